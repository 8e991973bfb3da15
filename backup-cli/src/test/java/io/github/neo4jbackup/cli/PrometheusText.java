package io.github.neo4jbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Parses Prometheus text exposition with the Prometheus project's own Python client parser
 * ({@code prometheus_client.parser}, Debian package {@code python3-prometheus-client}); tests that
 * use it are skipped where it is not installed.
 */
final class PrometheusText {

    /** One sample. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final String SCRIPT = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = []",
            "for family in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in family.samples:",
            "        out.append({'family': family.name, 'type': family.type, 'name': s.name, 'labels': s.labels,",
            "                    'value': repr(s.value)})",
            "print(json.dumps(out))");

    private PrometheusText() {
    }

    /** The Debian interpreter first: a python3 earlier on the PATH may not see Debian's packages. */
    private static String python() {
        return java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder(python(), "-c", "import prometheus_client.parser").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static void assumeAvailable() {
        Assumptions.assumeTrue(available(), "python3 with prometheus_client (python3-prometheus-client) is not installed");
    }

    static List<Sample> parse(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python(), "-c", SCRIPT).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("the Prometheus parser rejected the text: " + err + "\n" + text);
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : new ObjectMapper().readTree(out)) {
            Map<String, String> labels = new TreeMap<>();
            s.get("labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            String v = s.get("value").asText();
            double value = v.equals("nan") ? Double.NaN : v.equals("inf") ? Double.POSITIVE_INFINITY
                    : v.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(v);
            samples.add(new Sample(s.get("name").asText(), labels, value));
        }
        return samples;
    }

    /** The value of the one sample with this name whose labels include the given ones. */
    static double value(List<Sample> samples, String name, String... labelPairs) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            boolean match = s.name().equals(name);
            for (int i = 0; match && i + 1 < labelPairs.length; i += 2) {
                match = labelPairs[i + 1].equals(s.labels().get(labelPairs[i]));
            }
            if (match) {
                found.add(s);
            }
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + " " + List.of(labelPairs) + ", found " + found);
        }
        return found.get(0).value();
    }
}
