package io.github.neo4jbackup.cli;

/**
 * The {@code --engine} values of {@code backup} and {@code run}: the three engines, plus
 * {@code auto} (APOC when the server has it, else the driver engine), which restore and verify do
 * not take (they use the engine recorded in the manifest).
 */
enum BackupEngine {
    /** Driver-only logical export. */
    driver(Engine.driver),
    /** APOC Cypher script export. */
    apoc(Engine.apoc),
    /** {@code neo4j-admin database dump}. */
    admin(Engine.admin),
    /** {@link #apoc} when the server answers {@code apoc.version()}, else {@link #driver}; chosen per backup. */
    auto(null);

    private final Engine engine;

    BackupEngine(Engine engine) {
        this.engine = engine;
    }

    /** The engine, or {@code null} for {@link #auto}. */
    Engine engine() {
        return engine;
    }

    boolean usesDriver() {
        return this != admin;
    }
}
