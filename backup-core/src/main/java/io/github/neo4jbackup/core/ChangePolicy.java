package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.SourceDescription;

/**
 * What a backup does when its source reports that the database changed while it was exported
 * ({@link Attributes#CHANGED_DURING_EXPORT} {@code = true}; online engines only). A logical export
 * of a database that is being written is still self-consistent (every relationship's end nodes are
 * in it), but it is not a point-in-time copy.
 *
 * <ul>
 *   <li>{@link #warn()} (the default): keep the backup, marked in the manifest, with a warning;</li>
 *   <li>{@link #fail()}: discard the pending data object and fail with {@link SourceFailedException};
 *       nothing is stored;</li>
 *   <li>{@link #retry(int, Action)}: discard the pending data object and export again, up to
 *       {@code retries} more times; when the last attempt still saw a change, handle it as
 *       {@code exhausted} ({@link Action#WARN} or {@link Action#FAIL}).</li>
 * </ul>
 * The number of attempts is recorded in the manifest ({@value #ATTEMPTS_ATTRIBUTE}). Quiesce hooks
 * ({@link io.github.neo4jbackup.core.hook.BackupHooks#quiesce}) run once around all attempts.
 *
 * @param action    what to do with a changed export
 * @param retries   how many times to export again ({@link Action#RETRY} only; 0 otherwise)
 * @param exhausted what to do when every attempt saw a change ({@link Action#WARN} or {@link Action#FAIL})
 */
public record ChangePolicy(Action action, int retries, Action exhausted) {

    /** Manifest attribute: how many exports the backup took (1 without retries). */
    public static final String ATTEMPTS_ATTRIBUTE = "consistency.exportAttempts";

    /** The most retries a policy may ask for. */
    public static final int MAX_RETRIES = 100;

    /** What to do with an export that saw the database change. */
    public enum Action {
        /** Keep the backup, mark it, log a warning. */
        WARN,
        /** Export again. */
        RETRY,
        /** Store nothing and fail. */
        FAIL
    }

    /**
     * Creates a policy.
     *
     * @param action    what to do with a changed export
     * @param retries   how many times to retry (0 to {@value #MAX_RETRIES}; must be positive for RETRY)
     * @param exhausted WARN or FAIL
     * @throws InvalidInputException when the combination makes no sense
     */
    public ChangePolicy {
        if (action == null || exhausted == null) {
            throw new InvalidInputException("A change policy needs an action and what to do when retries run out");
        }
        if (exhausted == Action.RETRY) {
            throw new InvalidInputException("When the retries run out the backup can only warn or fail, not retry");
        }
        if (retries < 0 || retries > MAX_RETRIES) {
            throw new InvalidInputException("The number of export retries must be between 0 and " + MAX_RETRIES
                    + ", was " + retries);
        }
        if (action == Action.RETRY && retries == 0) {
            throw new InvalidInputException("A retry policy needs at least one retry, e.g. ChangePolicy.retry(3, WARN)");
        }
        if (action != Action.RETRY) {
            retries = 0;
            exhausted = action;
        }
    }

    /**
     * Keep a changed export, marked and with a warning (the default).
     *
     * @return the policy
     */
    public static ChangePolicy warn() {
        return new ChangePolicy(Action.WARN, 0, Action.WARN);
    }

    /**
     * Fail a changed export; nothing is stored.
     *
     * @return the policy
     */
    public static ChangePolicy fail() {
        return new ChangePolicy(Action.FAIL, 0, Action.FAIL);
    }

    /**
     * Export again, up to {@code retries} more times, then warn or fail.
     *
     * @param retries   1 to {@value #MAX_RETRIES}
     * @param exhausted {@link Action#WARN} or {@link Action#FAIL}
     * @return the policy
     * @throws InvalidInputException when out of range
     */
    public static ChangePolicy retry(int retries, Action exhausted) {
        return new ChangePolicy(Action.RETRY, retries, exhausted);
    }

    /**
     * Whether a source's description says the database changed during its export.
     *
     * @param description what the source returned
     * @return {@code true} when {@link Attributes#CHANGED_DURING_EXPORT} is {@code true}
     */
    public static boolean changed(SourceDescription description) {
        return description != null
                && "true".equals(description.attributes().get(Attributes.CHANGED_DURING_EXPORT));
    }

    /**
     * What to do after the given attempt saw a change.
     *
     * @param attempt the attempt, counting from 1
     * @return RETRY while retries remain, else WARN or FAIL
     */
    public Action after(int attempt) {
        if (action == Action.RETRY) {
            return attempt <= retries ? Action.RETRY : exhausted;
        }
        return action;
    }

    @Override
    public String toString() {
        return switch (action) {
            case RETRY -> "retry " + retries + " times, then " + exhausted.name().toLowerCase(java.util.Locale.ROOT);
            default -> action.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
