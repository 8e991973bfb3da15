package io.github.neo4jbackup.export.cypher;

import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Graphiti-shaped agent writing into a database on its own thread, bounded in time and in
 * transactions: new {@code Episodic} nodes with {@code MENTIONS} to existing and new
 * {@code Entity} nodes, new {@code RELATES_TO} facts (preferably touching entities it created),
 * and deletions of episodes. Each committed transaction's time is kept, so a test can say how
 * many writes fell inside an interval. The graph it writes into comes from {@link #createGraph}.
 */
public final class ConcurrentWriter implements AutoCloseable {

    private final Driver driver;
    private final Duration maxTime;
    private final int maxTransactions;
    private final long pauseMillis;
    private final int entities;
    private final int episodes;
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Long> commits = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch warm = new CountDownLatch(10);
    private volatile long episodesCreated;
    private volatile long entitiesCreated;
    private volatile long factsCreated;
    private volatile long episodesDeleted;
    private volatile java.nio.file.Path pauseFlag;
    private volatile java.nio.file.Path pausedAck;

    /**
     * Makes the writer pause like an ingestion worker told to by an operator: while {@code flag}
     * exists it commits nothing, and it creates {@code ack} once its last transaction is committed.
     *
     * @param flag the file whose existence pauses the writer
     * @param ack  the file the writer creates when it has paused
     * @return this writer
     */
    public ConcurrentWriter pausable(java.nio.file.Path flag, java.nio.file.Path ack) {
        this.pauseFlag = flag;
        this.pausedAck = ack;
        return this;
    }

    private void pauseIfAsked() throws java.io.IOException, InterruptedException {
        if (pauseFlag == null || !java.nio.file.Files.exists(pauseFlag)) {
            return;
        }
        java.nio.file.Files.writeString(pausedAck, "paused");
        while (java.nio.file.Files.exists(pauseFlag) && !stop.get()) {
            Thread.sleep(10);
        }
        java.nio.file.Files.deleteIfExists(pausedAck);
    }

    /**
     * Creates a writer (not started).
     *
     * @param driver          the driver
     * @param entities        the entities {@link #createGraph} made
     * @param episodes        the episodes {@link #createGraph} made
     * @param maxTime         the longest it writes
     * @param maxTransactions the most transactions it commits
     * @param pauseMillis     the pause between transactions
     */
    public ConcurrentWriter(Driver driver, int entities, int episodes, Duration maxTime, int maxTransactions,
                            long pauseMillis) {
        this.driver = driver;
        this.entities = entities;
        this.episodes = episodes;
        this.maxTime = maxTime;
        this.maxTransactions = maxTransactions;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, "concurrent-writer");
        this.thread.setDaemon(true);
    }

    /**
     * Creates a Graphiti-shaped graph: entities {@code ent-i} with 16-dimensional embeddings,
     * episodes {@code ep-i} each mentioning three entities, and one fact per two entities.
     *
     * @param driver   the driver
     * @param entities how many entities
     * @param episodes how many episodes
     */
    public static void createGraph(Driver driver, int entities, int episodes) {
        try (Session s = driver.session()) {
            s.run("CREATE CONSTRAINT entity_uuid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uuid IS UNIQUE").consume();
            s.run("CREATE CONSTRAINT episodic_uuid IF NOT EXISTS FOR (n:Episodic) REQUIRE n.uuid IS UNIQUE").consume();
            s.run("CREATE INDEX entity_group_id IF NOT EXISTS FOR (n:Entity) ON (n.group_id)").consume();
            s.run("CREATE FULLTEXT INDEX edge_fact IF NOT EXISTS FOR ()-[r:RELATES_TO]-() ON EACH [r.fact]").consume();
            s.run("UNWIND range(0, $n - 1) AS i CALL { WITH i CREATE (:Entity {uuid: 'ent-' + i, group_id: 'g1', "
                    + "name: 'entity ' + i, summary: 'summary of entity ' + i, created_at: datetime({epochSeconds: i}), "
                    + "name_embedding: [x IN range(1, 16) | rand()]}) } IN TRANSACTIONS OF 5000 ROWS",
                    Map.of("n", entities)).consume();
            s.run("UNWIND range(0, $n - 1) AS i CALL { WITH i CREATE (ep:Episodic {uuid: 'ep-' + i, group_id: 'g1', "
                    + "source: 'message', content: 'episode ' + i, valid_at: datetime({epochSeconds: i})}) "
                    + "WITH ep, i MATCH (e:Entity) WHERE e.uuid IN ['ent-' + (i % $m), 'ent-' + ((i * 7) % $m), "
                    + "'ent-' + ((i * 13 + 1) % $m)] CREATE (ep)-[:MENTIONS {uuid: 'm-' + i + '-' + e.uuid, group_id: 'g1'}]->(e) "
                    + "} IN TRANSACTIONS OF 2000 ROWS", Map.of("n", episodes, "m", entities)).consume();
            s.run("UNWIND range(0, $m / 2 - 1) AS i CALL { WITH i MATCH (a:Entity {uuid: 'ent-' + (2 * i)}), "
                    + "(b:Entity {uuid: 'ent-' + (2 * i + 1)}) CREATE (a)-[:RELATES_TO {uuid: 'f-' + i, name: 'KNOWS', "
                    + "fact: 'entity ' + (2 * i) + ' knows entity ' + (2 * i + 1), fact_embedding: [x IN range(1, 16) | rand()], "
                    + "valid_at: datetime({epochSeconds: i}), episodes: ['ep-' + i]}]->(b) } IN TRANSACTIONS OF 5000 ROWS",
                    Map.of("m", entities)).consume();
            s.run("CALL db.awaitIndexes(300)").consume();
        }
    }

    /** Starts writing and waits until the first ten transactions are committed. */
    public void start() throws InterruptedException {
        thread.start();
        if (!warm.await(60, TimeUnit.SECONDS) && failure.get() != null) {
            throw new IllegalStateException("the writer failed", failure.get());
        }
    }

    private void run() {
        Random random = new Random(42);
        List<String> newEntities = new ArrayList<>();
        List<String> newEpisodes = new ArrayList<>();
        long deadline = System.nanoTime() + maxTime.toNanos();
        int n = 0;
        try (Session s = driver.session()) {
            while (!stop.get() && n < maxTransactions && System.nanoTime() < deadline) {
                pauseIfAsked();
                int kind = random.nextInt(4);
                if (kind <= 1) {
                    String ep = "w-ep-" + n;
                    String entity = "w-ent-" + n;
                    List<String> existing = List.of("ent-" + random.nextInt(entities), "ent-" + random.nextInt(entities));
                    s.executeWriteWithoutResult(tx -> tx.run("CREATE (ep:Episodic {uuid: $ep, group_id: 'g1', "
                            + "source: 'message', content: $content, valid_at: datetime()}) "
                            + "CREATE (ep)-[:MENTIONS {uuid: $ep + '-new', group_id: 'g1'}]->(:Entity {uuid: $entity, "
                            + "group_id: 'g1', name: $entity, summary: 'new', name_embedding: [x IN range(1, 16) | rand()]}) "
                            + "WITH ep MATCH (e:Entity) WHERE e.uuid IN $existing "
                            + "CREATE (ep)-[:MENTIONS {uuid: $ep + '-' + e.uuid, group_id: 'g1'}]->(e)",
                            Map.of("ep", ep, "entity", entity, "content", "message " + ep, "existing", existing))
                            .consume());
                    newEntities.add(entity);
                    newEpisodes.add(ep);
                    episodesCreated++;
                    entitiesCreated++;
                } else if (kind == 2) {
                    String a = !newEntities.isEmpty() && random.nextBoolean()
                            ? newEntities.get(random.nextInt(newEntities.size())) : "ent-" + random.nextInt(entities);
                    String b = !newEntities.isEmpty() ? newEntities.get(newEntities.size() - 1)
                            : "ent-" + random.nextInt(entities);
                    s.executeWriteWithoutResult(tx -> tx.run("MATCH (a:Entity {uuid: $a}), (b:Entity {uuid: $b}) "
                            + "CREATE (a)-[:RELATES_TO {uuid: randomUUID(), name: 'MENTIONED_WITH', fact: $a + ' and ' + $b, "
                            + "fact_embedding: [x IN range(1, 16) | rand()], valid_at: datetime(), episodes: []}]->(b)",
                            Map.of("a", a, "b", b)).consume());
                    factsCreated++;
                } else {
                    String victim = !newEpisodes.isEmpty() && random.nextBoolean()
                            ? newEpisodes.remove(random.nextInt(newEpisodes.size())) : "ep-" + random.nextInt(episodes);
                    long deleted = s.executeWrite(tx -> tx.run("MATCH (ep:Episodic {uuid: $u}) DETACH DELETE ep",
                            Map.of("u", victim)).consume().counters().nodesDeleted());
                    episodesDeleted += deleted;
                }
                commits.add(System.nanoTime());
                warm.countDown();
                n++;
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            while (warm.getCount() > 0) {
                warm.countDown();
            }
        }
    }

    /**
     * How many transactions were committed between two {@link System#nanoTime()} readings.
     *
     * @param from start
     * @param to   end
     * @return the number of commits
     */
    public long commitsBetween(long from, long to) {
        return commits.stream().filter(t -> t >= from && t <= to).count();
    }

    /** All committed transactions so far. */
    public long commits() {
        return commits.size();
    }

    /** What the writer did, for figures. */
    public String summary() {
        return commits.size() + " transactions: " + episodesCreated + " episodes and " + entitiesCreated
                + " entities created, " + factsCreated + " facts created, " + episodesDeleted + " episodes deleted";
    }

    /** Stops the writer and waits for it; rethrows its failure. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(30_000);
        if (failure.get() != null) {
            throw new IllegalStateException("the concurrent writer failed", failure.get());
        }
    }
}
