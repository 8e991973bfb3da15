package io.github.neo4jbackup.core.lock;

/** How a lock found in the repository was judged. */
public enum LockState {
    /** The holder runs on this machine, or its heartbeat is recent: the lock is in force. */
    ACTIVE("held by a live run"),
    /** The holder ran on this machine and no process has its PID any more. */
    HOLDER_GONE("its process on this host is no longer running"),
    /** The holder ran on this machine and its PID now belongs to a process started at another time. */
    PID_REUSED("its PID now belongs to another process (started at another time)"),
    /** The holder's heartbeat (or, for an old-format lock, its recorded expiry) is too old. */
    EXPIRED("it has expired: no heartbeat within its stale bound"),
    /** The lock cannot be read and has not changed for the stale period. */
    UNREADABLE_STALE("it is unreadable and has not changed for the stale period");

    private final String reason;

    LockState(String reason) {
        this.reason = reason;
    }

    /**
     * Why the lock is (not) stale, in words.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }

    /**
     * Whether another run may take the lock over.
     *
     * @return {@code true} unless {@link #ACTIVE}
     */
    public boolean stale() {
        return this != ACTIVE;
    }
}
