package io.github.neo4jbackup.testkit;

import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;

/**
 * The conformance suite every {@link StorageTarget} must pass.
 *
 * <p>Extend it in a JUnit 5 test class, return a fresh, empty target from {@link #newTarget()} and
 * override the hooks that describe the target:
 * <pre>{@code
 * class LocalStorageTargetContractTest extends StorageTargetContract {
 *     @TempDir
 *     Path dir;
 *
 *     @Override
 *     protected StorageTarget newTarget() {
 *         return LocalStorageTarget.of(dir);
 *     }
 *
 *     @Override
 *     protected boolean supportsMetadata() {
 *         return false;
 *     }
 * }
 * }</pre>
 *
 * <p>Every test method states one rule of the {@link StorageTarget} and
 * {@link PendingObject} contract. The suite is meant to run against remote stores too (an S3
 * server over HTTP), so it keeps object counts and sizes modest: the largest object is
 * {@link #largeObjectSize()} bytes and the paging test writes {@link #pagingObjectCount()} small
 * objects. Tests only use keys that are valid on every store: a key is never both an object and
 * the directory-like prefix of another object (file systems cannot have both).
 *
 * <p>Listing order is checked with ASCII keys only; stores may order other characters by UTF-8
 * bytes or UTF-16 code units. Continuation tokens are treated as opaque.
 *
 * <p>Test methods are {@code protected} so that a subclass can override one to disable it with a
 * reason, where a store cannot meet that rule yet.
 *
 * <h2>Where the tests live</h2>
 * The tests are grouped by the area of the contract they check, one package-private class each,
 * stacked into this class by inheritance (a linear chain, so that every test stays a
 * {@code protected}, overridable method of this class; the order of the chain means nothing):
 * <ul>
 *   <li>{@code StorageTargetContractSupport}: the target of each test, the hooks
 *       ({@link #newTarget()}, {@link #afterEachTarget(StorageTarget)}, {@link #supportsMetadata()},
 *       ...) and the helpers ({@link #put}, {@link #read}, {@link #listedKeys}, ...);</li>
 *   <li>{@code RoundTripContract}: round trips of every size, stat, commit result, describe;</li>
 *   <li>{@code MetadataContract}: user metadata and the recorded SHA-256;</li>
 *   <li>{@code PendingWriteContract}: invisibility until commit, commit, abort, close;</li>
 *   <li>{@code WriteModeContract}: {@code OVERWRITE}, conditional {@code CREATE_NEW}, concurrent
 *       writers;</li>
 *   <li>{@code DeleteContract}: missing objects, delete, deleteAll;</li>
 *   <li>{@code ListingContract}: prefixes, order, paging, listing helpers;</li>
 *   <li>{@code KeyContract}: unusual and invalid keys.</li>
 * </ul>
 * A new rule goes into the class of its area, as a {@code protected} method annotated
 * {@code @Test}.
 */
public abstract class StorageTargetContract extends KeyContract {

    /** Creates the suite; subclasses are instantiated by JUnit. */
    protected StorageTargetContract() {
    }
}
