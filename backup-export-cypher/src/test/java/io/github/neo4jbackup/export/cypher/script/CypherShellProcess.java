package io.github.neo4jbackup.export.cypher.script;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real cypher-shell ({@code org.neo4j:cypher-shell}, the server's version) that the build
 * copies into {@code target/cypher-shell/lib} (see the antrun execution in this module's pom): in its
 * own JVM, never on the test class path.
 */
public final class CypherShellProcess {

    /**
     * The outcome of one run.
     *
     * @param exitCode the exit status
     * @param output   standard output and error, interleaved
     */
    public record Run(int exitCode, String output) {
    }

    private CypherShellProcess() {
    }

    /**
     * Runs {@code cypher-shell -f script} against a server with authentication disabled.
     *
     * @param bolt   the server's Bolt URI
     * @param script the script file
     * @return exit code and output
     * @throws IOException          when the process cannot be started
     * @throws InterruptedException when interrupted while waiting
     */
    public static Run run(URI bolt, Path script) throws IOException, InterruptedException {
        Path lib = Path.of("target", "cypher-shell", "lib").toAbsolutePath();
        if (!Files.isDirectory(lib) || !Files.exists(lib.resolve("cypher-shell-5.26.30.jar"))) {
            throw new IllegalStateException("cypher-shell is missing in " + lib + "; the build copies it there in the "
                    + "generate-test-resources phase (run the tests through Maven)");
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", lib + File.separator + "*", "org.neo4j.shell.Main",
                "-a", "bolt://" + bolt.getHost() + ":" + bolt.getPort(),
                // the test server has authentication disabled: any credentials are accepted
                "-u", "neo4j", "-p", "unused",
                "--format", "plain", "-f", script.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("cypher-shell did not finish within 5 minutes");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
