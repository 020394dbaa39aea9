package dev.sluice.gateway.breaker;

import dev.sluice.gateway.route.Violations;
import tools.jackson.databind.JsonNode;

import java.util.Map;

/**
 * What the gateway answers instead of the upstream while the breaker is open or the upstream cannot be reached.
 *
 * @param status  the status of the static answer, 503 when absent
 * @param headers extra response headers
 * @param body    a JSON value, sent as {@code application/json}
 * @param stale   answer GET and HEAD from the route's cache, even past freshness ({@code X-Cache: STALE}), when it
 *                has the request; the static answer otherwise
 * @param route   hand the request to another route (its upstream and its policies) instead: always while the
 *                breaker is open, and after an upstream failure when the request had no body to send again.
 *                Otherwise, and when that route falls back in turn, the static answer
 */
public record FallbackPolicy(Integer status, Map<String, String> headers, JsonNode body, Boolean stale, String route) {

    public FallbackPolicy {
        body = body == null || body.isNull() ? null : body; // JSON null means "no body"
    }

    public int statusOr503() {
        return status != null ? status : 503;
    }

    public void validate(Violations v) {
        v.range("status", status, 200, 599);
        if (route != null && route.isBlank()) {
            v.add("route", "must name a route");
        }
        if (headers != null) {
            headers.forEach((name, value) -> {
                if (!Violations.isHeaderName(name)) {
                    v.at("headers").add(name, "is not a valid header name");
                }
                if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                    v.at("headers").add(name, "is not a valid header value");
                }
            });
        }
    }
}
