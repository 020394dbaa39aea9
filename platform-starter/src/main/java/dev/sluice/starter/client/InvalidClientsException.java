package dev.sluice.starter.client;

import java.util.List;

/** Client settings that cannot work as written; the message lists every violation with its property path. */
public class InvalidClientsException extends IllegalStateException {

    private final List<String> violations;

    public InvalidClientsException(List<String> violations) {
        super("Invalid sluice.clients settings:\n  " + String.join("\n  ", violations));
        this.violations = List.copyOf(violations);
    }

    public List<String> violations() {
        return violations;
    }
}
