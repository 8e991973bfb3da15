package io.github.neo4jbackup.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this library, as built. Not API. */
public final class ToolVersion {

    private static final String VERSION = load();

    private ToolVersion() {
    }

    /**
     * The version, or {@code unknown}.
     *
     * @return the version
     */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ToolVersion.class.getResourceAsStream("/io/github/neo4jbackup/core/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
