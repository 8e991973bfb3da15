package io.github.neo4jbackup.benchmarks.e2e;

import java.util.List;
import java.util.Map;

/**
 * Everything measured at one graph size.
 *
 * @param label          the size as given ({@code 10k})
 * @param nodes          nodes generated
 * @param relationships  relationships generated
 * @param embeddings     nodes and relationships carrying an embedding
 * @param storeBytes     size of the database's store on disk after generation
 * @param generateSeconds time to generate the graph (indexes online included)
 * @param load           the machine's load average (1/5/15 minutes) when this size started and ended
 * @param steps          the measured steps in the order they ran
 * @param phases         per step id, the phases of a restore as its {@code --json} result reported them (seconds,
 *                       in the order they ran); steps that report none are absent
 * @param serverCpu      per step id, the Neo4j server process's CPU time during the step (seconds); steps that
 *                       ran with the server stopped, or where the platform does not report it, are absent
 */
public record SizeResult(String label, long nodes, long relationships, long embeddings, long storeBytes,
                         double generateSeconds, String load, List<Step> steps, Map<String, Map<String, Double>> phases,
                         Map<String, Double> serverCpu) {

    /** @return nodes plus relationships */
    public long entities() {
        return nodes + relationships;
    }

    /**
     * The step with an identifier.
     *
     * @param id the identifier
     * @return the step, or {@code null}
     */
    public Step step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
