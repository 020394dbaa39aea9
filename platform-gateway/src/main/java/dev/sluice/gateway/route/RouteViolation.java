package dev.sluice.gateway.route;

/** One reason a route document is rejected, naming the field as a property path: {@code routes[0].retry.attempts}. */
public record RouteViolation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
