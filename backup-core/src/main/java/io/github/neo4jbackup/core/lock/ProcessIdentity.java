package io.github.neo4jbackup.core.lock;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who holds a lock: the host name, the process id, and what tells this process apart from a later
 * one with the same id — its start time, and on Linux the boot id and the PID namespace (so that
 * two containers with the same host name, or a machine after a reboot, never take each other's
 * process for their own). Immutable.
 */
public final class ProcessIdentity {

    /** How far two readings of one process's start time may differ (the kernel's boot time moves by a second). */
    static final Duration START_TOLERANCE = Duration.ofSeconds(2);
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Path PID_NAMESPACE = Path.of("/proc/self/ns/pid");

    private final String host;
    private final long pid;
    private final Instant startedAt;
    private final String bootId;
    private final String pidNamespace;

    /**
     * Creates an identity.
     *
     * @param host         the host name
     * @param pid          the process id
     * @param startedAt    when the process started, or {@code null} when unknown
     * @param bootId       the machine's boot id, or {@code null} when unknown
     * @param pidNamespace the PID namespace, or {@code null} when unknown
     */
    public ProcessIdentity(String host, long pid, Instant startedAt, String bootId, String pidNamespace) {
        this.host = Objects.requireNonNull(host, "host");
        this.pid = pid;
        this.startedAt = startedAt;
        this.bootId = blankToNull(bootId);
        this.pidNamespace = blankToNull(pidNamespace);
    }

    /**
     * This process, under the given host name.
     *
     * @param host the host name recorded in locks (usually {@link #localHostName()})
     * @return this process's identity
     */
    public static ProcessIdentity current(String host) {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessIdentity(host, self.pid(), self.info().startInstant().orElse(null), readFirstLine(BOOT_ID),
                readLink(PID_NAMESPACE));
    }

    /**
     * The local host name ({@code HOSTNAME} when it cannot be resolved, else {@code unknown}).
     *
     * @return the host name
     */
    public static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env != null && !env.isBlank() ? env : "unknown";
        }
    }

    /**
     * The host name.
     *
     * @return the host
     */
    public String host() {
        return host;
    }

    /**
     * The process id.
     *
     * @return the pid
     */
    public long pid() {
        return pid;
    }

    /**
     * When the process started, if known.
     *
     * @return the start time
     */
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    /**
     * The machine's boot id (Linux), if known.
     *
     * @return the boot id
     */
    public Optional<String> bootId() {
        return Optional.ofNullable(bootId);
    }

    /**
     * The PID namespace (Linux, e.g. {@code pid:[4026531836]}), if known.
     *
     * @return the namespace
     */
    public Optional<String> pidNamespace() {
        return Optional.ofNullable(pidNamespace);
    }

    /**
     * Whether a process with this identity would be visible to {@code observer} as a local process:
     * same host name, and the same boot and PID namespace wherever both are known.
     *
     * @param observer the identity of the process that looks (usually this one)
     * @return {@code true} when the PID means the same thing to both
     */
    public boolean sameMachineAs(ProcessIdentity observer) {
        return host.equalsIgnoreCase(observer.host) && compatible(bootId, observer.bootId)
                && compatible(pidNamespace, observer.pidNamespace);
    }

    /**
     * Whether this process still runs, seen from this machine. Only meaningful when
     * {@link #sameMachineAs} the current process.
     *
     * @return the liveness
     */
    public Liveness probe() {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return Liveness.NOT_RUNNING;
        }
        if (startedAt == null) {
            return Liveness.RUNNING;
        }
        Optional<Instant> actual = handle.get().info().startInstant();
        if (actual.isEmpty()) {
            return Liveness.UNKNOWN;
        }
        Duration difference = Duration.between(startedAt, actual.get()).abs();
        return difference.compareTo(START_TOLERANCE) <= 0 ? Liveness.RUNNING : Liveness.PID_REUSED;
    }

    /** What {@link #probe()} found. */
    public enum Liveness {
        /** The process runs (the PID exists and, where recorded, started at the recorded time). */
        RUNNING,
        /** No process has this PID. */
        NOT_RUNNING,
        /** The PID belongs to a process started at another time: the recorded one has ended. */
        PID_REUSED,
        /** The PID exists but its start time cannot be read. */
        UNKNOWN
    }

    private static boolean compatible(String a, String b) {
        return a == null || b == null || a.equals(b);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String readFirstLine(Path path) {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? null : text;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String readLink(Path path) {
        try {
            return Files.readSymbolicLink(path).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessIdentity p && pid == p.pid && host.equals(p.host)
                && Objects.equals(startedAt, p.startedAt) && Objects.equals(bootId, p.bootId)
                && Objects.equals(pidNamespace, p.pidNamespace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, pid, startedAt);
    }

    @Override
    public String toString() {
        return "host " + host + ", pid " + pid + (startedAt == null ? "" : ", started " + startedAt);
    }
}
