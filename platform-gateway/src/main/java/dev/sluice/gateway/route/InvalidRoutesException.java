package dev.sluice.gateway.route;

import java.util.List;
import java.util.stream.Collectors;

/** Route documents that cannot be applied; the message lists every violation, one per line. */
public class InvalidRoutesException extends RuntimeException {

    private final List<RouteViolation> violations;

    public InvalidRoutesException(List<RouteViolation> violations) {
        super("Invalid gateway routes:" + violations.stream().map(v -> "\n  - " + v).collect(Collectors.joining()));
        this.violations = List.copyOf(violations);
    }

    public List<RouteViolation> violations() {
        return violations;
    }
}
