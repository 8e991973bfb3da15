package io.github.neo4jbackup.export.cypher.merge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The counts of one pass of a merge; mutable, confined to the pass. */
final class Tally {
    long selectedNodes;
    long selectedRelationships;
    long nodesCreated;
    long nodesUnchanged;
    long nodesOverwritten;
    long nodesKept;
    long conflicts;
    final List<MergeConflict> conflictList = new ArrayList<>();
    long relationshipsCreated;
    long relationshipsUnchanged;
    long relationshipsWithoutEnds;
    long nodesWithoutKey;
    final List<String> nodesWithoutKeyList = new ArrayList<>();
    long duplicateKeysInBackup;
    final List<String> duplicateKeysInBackupList = new ArrayList<>();
    long duplicateKeysInTarget;
    final List<String> duplicateKeysInTargetList = new ArrayList<>();
    final Set<String> warnings = new LinkedHashSet<>();

    static void addFirst(List<String> list, String item, int limit) {
        if (list.size() < limit) {
            list.add(item);
        }
    }
}
