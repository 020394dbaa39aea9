package dev.sluice.gateway.stream;

import dev.sluice.gateway.route.Violations;

import java.time.Duration;

/**
 * A route whose exchanges last: WebSocket sessions, server-sent events and other streamed responses. The route's
 * {@code timeout} then bounds the wait for the upstream's first byte, not the stream; what ends a stream that has
 * gone quiet is {@code idleTimeout}.
 *
 * @param idleTimeout    a connection with no bytes either way for this long is closed; 5m when absent
 * @param maxConnections open streams (sessions, responses in flight) on the route per gateway node; beyond it,
 *                       503 problem+json; 1000 when absent
 */
public record StreamPolicy(Duration idleTimeout, Integer maxConnections) {

    public Duration idleTimeoutOrDefault() {
        return idleTimeout != null ? idleTimeout : Duration.ofMinutes(5);
    }

    public int maxConnectionsOrDefault() {
        return maxConnections != null ? maxConnections : 1000;
    }

    void validate(Violations v) {
        if (idleTimeout != null && (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || idleTimeout.compareTo(Duration.ofHours(24)) > 0)) {
            v.add("idleTimeout", "must be between 1s and 24h");
        }
        v.range("maxConnections", maxConnections, 1, 1_000_000);
    }
}
