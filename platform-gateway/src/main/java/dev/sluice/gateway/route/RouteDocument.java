package dev.sluice.gateway.route;

import tools.jackson.databind.annotation.JsonSerialize;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One route and its policies, as plain data: bound from {@code sluice.gateway.routes} in YAML or from JSON through
 * the Admin API (both by {@link RouteModel}). The route's own fields are typed here; each policy is a field of its
 * own in the document, kept in {@link #policies()} under its name and bound to the spec type its
 * {@link RoutePolicy} declares. Every policy is optional; a missing one costs nothing on the request path.
 *
 * @param id          unique, {@code [A-Za-z0-9._-]}, at most 64 characters
 * @param uri         {@code http://}, {@code https://} or {@code lb://service}
 * @param match       what requests the route takes
 * @param stripPrefix how many leading path segments to drop before forwarding
 * @param timeout     time to the upstream's response headers; 504 after it. Also the breaker's slow-call clock.
 * @param policies    each policy's spec by field name, such as {@code rateLimit}; absent policies are not keys
 */
@JsonSerialize(using = RouteJson.RouteDocumentSerializer.class)
public record RouteDocument(
        String id,
        String uri,
        Match match,
        Integer stripPrefix,
        Duration timeout,
        Map<String, Object> policies) {

    public RouteDocument {
        Map<String, Object> present = new LinkedHashMap<>();
        if (policies != null) {
            policies.forEach((field, spec) -> {
                if (spec != null) {
                    present.put(field, spec);
                }
            });
        }
        policies = Collections.unmodifiableMap(present);
    }

    /** A route with no policies. */
    public RouteDocument(String id, String uri, Match match, Integer stripPrefix, Duration timeout) {
        this(id, uri, match, stripPrefix, timeout, Map.of());
    }

    /** The route's timeout, or the gateway-wide default when the route sets none. */
    public Duration timeoutOr(Duration fallback) {
        return timeout != null ? timeout : fallback;
    }

    /** The policy's spec on this route, or {@code null} when the route does not carry it. */
    @SuppressWarnings("unchecked")
    public <S> S policy(RoutePolicy<S> policy) {
        // RouteModel binds each field to the type its policy declares.
        return (S) policies.get(policy.field());
    }

    /** The spec under {@code field}, or {@code null}: for code that knows the field but holds no policy bean. */
    public <S> S policy(String field, Class<S> type) {
        return type.cast(policies.get(field));
    }

    /** This route with {@code spec} under {@code field} ({@code null} removes it). */
    public RouteDocument with(String field, Object spec) {
        Map<String, Object> next = new LinkedHashMap<>(policies);
        next.put(field, spec);
        return new RouteDocument(id, uri, match, stripPrefix, timeout, next);
    }
}
