package dev.sluice.starter.limits;

import java.util.List;

/** Endpoint limits that cannot be enforced as written; the message lists every violation with where it is. */
public class InvalidLimitsException extends IllegalStateException {

    private final List<String> violations;

    public InvalidLimitsException(List<String> violations) {
        super("Invalid endpoint limits:\n  " + String.join("\n  ", violations));
        this.violations = List.copyOf(violations);
    }

    public List<String> violations() {
        return violations;
    }
}
