package io.github.neo4jbackup.export.cypher.schema;

/** The kinds of index Neo4j 5 has, named as the {@code type} column of {@code SHOW INDEXES}. */
public enum IndexKind {
    /** Range index (the general-purpose index; also backs uniqueness and key constraints). */
    RANGE,
    /** Text index (string {@code CONTAINS} / {@code ENDS WITH}). */
    TEXT,
    /** Point index (spatial). */
    POINT,
    /** Fulltext index (Lucene analyzers) over several labels or types and properties. */
    FULLTEXT,
    /** Vector index (approximate nearest neighbours). */
    VECTOR,
    /** Token lookup index over all labels or all relationship types; Neo4j creates two by default. */
    LOOKUP
}
