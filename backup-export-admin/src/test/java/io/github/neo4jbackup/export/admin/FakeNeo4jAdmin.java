package io.github.neo4jbackup.export.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake Neo4j home whose {@code bin/neo4j-admin} is a shell script that behaves like the real
 * tool as far as these tests need: it logs every invocation to {@code calls.log}, answers
 * {@code version} and {@code database --help} like Neo4j 5.26 Community, and runs a shell snippet
 * per database command ({@code info}, {@code dump}, {@code load}, {@code check}, {@code backup},
 * {@code restore}). In the snippets, {@code $H} is the home, {@code $DB} the last argument (the
 * database), {@code $SAMPLE} a real 5.26.30 dump of an empty database, and {@code $REPORT}, {@code $FROM},
 * {@code $TEMP}, {@code $TO}, {@code $TYPE} the values of the options of those names.
 */
final class FakeNeo4jAdmin {

    static final String INFO_OFFLINE = "echo '{\"databaseName\":\"'$DB'\",\"inUse\":\"false\","
            + "\"storeFormat\":\"record-aligned-1.1\",\"storeFormatIntroduced\":\"5.0.0\","
            + "\"storeFormatSuperseded\":null,\"lastCommittedTransaction\":\"42\",\"recoveryRequired\":\"false\"}'";
    static final String DUMP_SAMPLE = "cat \"$SAMPLE\"";
    static final String LOAD_TO_FILE = "cat > \"$H/loaded.dump\" && echo done > \"$H/load.complete\"";

    final Path home;
    final Path sample;

    private FakeNeo4jAdmin(Path home, Path sample) {
        this.home = home;
        this.sample = sample;
    }

    /** The real dump of an empty Neo4j 5.26.30 database, from the test resources. */
    static byte[] sampleDump() {
        try (InputStream in = FakeNeo4jAdmin.class.getResourceAsStream("/empty-neo4j-5.26.30.dump")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Builder in(Path home) {
        return new Builder(home);
    }

    Neo4jAdmin admin() {
        return Neo4jAdmin.home(home).build();
    }

    Neo4jAdmin admin(Duration timeout) {
        return Neo4jAdmin.home(home).timeout(timeout).infoTimeout(timeout).build();
    }

    List<String> calls() {
        Path log = home.resolve("calls.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean wasInvoked() {
        return Files.exists(home.resolve("calls.log"));
    }

    Path file(String name) {
        return home.resolve(name);
    }

    static final class Builder {
        private final Path home;
        private final Map<String, String> handlers = new LinkedHashMap<>();
        private byte[] sample = sampleDump();

        private Builder(Path home) {
            this.home = home;
            handlers.put("info", INFO_OFFLINE);
            handlers.put("dump", DUMP_SAMPLE);
            handlers.put("load", LOAD_TO_FILE);
        }

        /** Sets the shell snippet run for {@code neo4j-admin database <command>}. */
        Builder on(String command, String snippet) {
            handlers.put(command, snippet);
            return this;
        }

        Builder sample(byte[] bytes) {
            this.sample = bytes;
            return this;
        }

        FakeNeo4jAdmin install() {
            try {
                Files.createDirectories(home.resolve("bin"));
                Path samplePath = home.resolve("sample.dump");
                Files.write(samplePath, sample);
                StringBuilder script = new StringBuilder();
                script.append("#!/bin/sh\n")
                        .append("H=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"\n")
                        .append("SAMPLE=\"$H/sample.dump\"\n")
                        .append("printf '%s\\n' \"$*\" >> \"$H/calls.log\"\n")
                        .append("for a in \"$@\"; do DB=\"$a\"; case \"$a\" in\n")
                        .append("  --report-path=*) REPORT=\"${a#--report-path=}\";; --from-path=*) FROM=\"${a#--from-path=}\";;\n")
                        .append("  --temp-path=*) TEMP=\"${a#--temp-path=}\";; --to-path=*) TO=\"${a#--to-path=}\";;\n")
                        .append("  --type=*) TYPE=\"${a#--type=}\";; esac; done\n")
                        .append("if [ \"$1\" = version ]; then echo 'neo4j 5.26.30'; exit 0; fi\n")
                        .append("if [ \"$1\" = database ] && [ \"$2\" = --help ]; then\n")
                        .append("  printf 'Usage: neo4j-admin database [COMMAND]\\nCommands:\\n  check  Check.\\n"
                                + "  dump   Dump.\\n  info   Info.\\n  load   Load.\\n'; exit 0\nfi\n")
                        .append("case \"$2\" in\n");
                handlers.forEach((command, snippet) -> script.append("  ").append(command).append(")\n")
                        .append(snippet.indent(4)).append("    ;;\n"));
                script.append("  *) echo \"fake neo4j-admin: unexpected command $*\" >&2; exit 64;;\n")
                        .append("esac\n");
                Path bin = home.resolve("bin").resolve("neo4j-admin");
                Files.writeString(bin, script.toString(), StandardCharsets.UTF_8);
                if (!bin.toFile().setExecutable(true)) {
                    throw new IOException("cannot make " + bin + " executable");
                }
                return new FakeNeo4jAdmin(home, samplePath);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
