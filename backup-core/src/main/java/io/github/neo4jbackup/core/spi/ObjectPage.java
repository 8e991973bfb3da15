package io.github.neo4jbackup.core.spi;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing, in ascending key order.
 *
 * @param objects           the objects on this page
 * @param continuationToken where the next page starts; {@code null} on the last page
 */
public record ObjectPage(List<ObjectInfo> objects, String continuationToken) {

    /**
     * Creates a page.
     *
     * @param objects           the objects (copied)
     * @param continuationToken token for the next page, or {@code null}
     */
    public ObjectPage {
        objects = List.copyOf(objects);
    }

    /**
     * The token to pass to {@link StorageTarget#list(String, String)} for the next page.
     *
     * @return the token, empty on the last page
     */
    public Optional<String> next() {
        return Optional.ofNullable(continuationToken);
    }
}
