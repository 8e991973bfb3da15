package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Listing and paging of an {@link S3StorageTarget}: {@code ListObjectsV2} pages under the prefix,
 * with S3's continuation tokens, leaving out temporary objects and keys that are not valid
 * {@link ObjectKey}s, and skipping pages that held only such keys. Not API.
 */
final class S3Listing {

    private static final Logger LOG = LoggerFactory.getLogger(S3StorageTarget.class);
    private static final int MAX_EMPTY_PAGES = 100;

    private final S3Bucket bucket;
    private final int pageSize;

    S3Listing(S3Bucket bucket, int pageSize) {
        this.bucket = bucket;
        this.pageSize = pageSize;
    }

    /** One page of objects; see {@link S3StorageTarget#list(String, String)}. */
    ObjectPage list(String prefix, String continuationToken) throws IOException {
        if (prefix != null && !prefixCanMatch(prefix)) {
            return new ObjectPage(List.of(), null); // no valid key starts with it; some stores reject such prefixes
        }
        String root = bucket.prefix();
        String name = bucket.bucket();
        String fullPrefix = root + (prefix == null ? "" : prefix);
        String token = continuationToken;
        for (int round = 0; ; round++) {
            String pageToken = token;
            ListObjectsV2Response response = bucket.requests().call("list '" + (prefix == null ? "" : prefix) + "'",
                    () -> bucket.client().listObjectsV2(r -> r.bucket(name).prefix(fullPrefix).maxKeys(pageSize)
                            .continuationToken(pageToken)));
            List<ObjectInfo> objects = new ArrayList<>();
            for (S3Object o : response.contents()) {
                String relative = o.key().substring(Math.min(root.length(), o.key().length()));
                if (!o.key().startsWith(root) || S3Bucket.isReserved(relative) || ObjectKey.problem(relative) != null) {
                    LOG.debug("Listing of {} skips '{}' (temporary object or not a valid key)", bucket.description(),
                            o.key());
                    continue;
                }
                objects.add(new ObjectInfo(ObjectKey.of(relative), o.size() == null ? 0 : o.size(),
                        o.lastModified() == null ? Instant.EPOCH : o.lastModified(), Map.of()));
            }
            String next = Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
            if (!objects.isEmpty() || next == null || round >= MAX_EMPTY_PAGES) {
                return new ObjectPage(objects, next);
            }
            token = next; // a page of temporary objects only: go on rather than hand out an empty page
        }
    }

    /** Whether some valid, non-reserved {@link ObjectKey} can start with a listing prefix. */
    private static boolean prefixCanMatch(String prefix) {
        if (prefix.isEmpty()) {
            return true;
        }
        if (prefix.startsWith("/") || S3Bucket.isReserved(prefix)) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '\\' || Character.isISOControl(c)) {
                return false;
            }
        }
        int slash = prefix.lastIndexOf('/');
        return slash < 0 || ObjectKey.problem(prefix.substring(0, slash)) == null;
    }
}
