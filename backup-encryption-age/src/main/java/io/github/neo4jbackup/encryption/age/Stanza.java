package io.github.neo4jbackup.encryption.age;

import com.exceptionfactory.jagged.RecipientStanza;

import java.util.List;

/**
 * A recipient stanza written by this module (the scrypt stanza).
 *
 * @param type      the stanza type
 * @param arguments the arguments after the type
 * @param body      the decoded body
 */
record Stanza(String type, List<String> arguments, byte[] body) implements RecipientStanza {

    Stanza {
        arguments = List.copyOf(arguments);
        body = body.clone();
    }

    @Override
    public String getType() {
        return type;
    }

    @Override
    public List<String> getArguments() {
        return arguments;
    }

    @Override
    public byte[] getBody() {
        return body.clone();
    }

    @Override
    public String toString() {
        return "Stanza[" + type + "]";
    }
}
