package io.github.neo4jbackup.encryption.age;

import java.security.GeneralSecurityException;

/**
 * Raised by this module's recipient stanza readers, with a message that is safe to show (no key
 * material): either the header breaks an age rule, or no configured identity can open it.
 */
final class StanzaException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    /** Why the stanzas were not opened. */
    enum Kind {
        /** The header breaks a rule of the age format. */
        MALFORMED,
        /** One identity cannot open the stanzas (wrong passphrase, work factor over the limit). */
        REJECTED,
        /** No configured identity opens any stanza. */
        NO_MATCH
    }

    private final Kind kind;

    StanzaException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
