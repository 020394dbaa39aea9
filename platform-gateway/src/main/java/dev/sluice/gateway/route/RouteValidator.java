package dev.sluice.gateway.route;

import dev.sluice.gateway.split.SplitTarget;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks route documents against the model's rules and reports every violation, not just the first. Each policy
 * checks its own fields; this class checks the route's and walks the policies.
 */
public final class RouteValidator {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private RouteValidator() {
    }

    /** Validates a whole route table: each route, and that ids are unique. */
    public static void validate(List<RouteDocument> routes, Violations v) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteDocument route = routes.get(i);
            if (route == null) {
                v.at(i).add("must be an object");
                continue;
            }
            validate(route, v.at(i));
            if (route.id() != null && !ids.add(route.id())) {
                v.at(i).add("id", "is used by another route");
            }
        }
        for (int i = 0; i < routes.size(); i++) {
            RouteDocument route = routes.get(i);
            String target = route == null || route.circuitBreaker() == null || route.circuitBreaker().fallback() == null
                    ? null : route.circuitBreaker().fallback().route();
            if (target != null && (!ids.contains(target) || target.equals(route.id()))) {
                v.at(i).at("circuitBreaker").at("fallback").add("route",
                        target.equals(route.id()) ? "must name another route" : "names no route in this table");
            }
        }
    }

    public static void validate(RouteDocument route, Violations v) {
        if (route.id() == null || !ID.matcher(route.id()).matches()) {
            v.add("id", route.id() == null ? "is required" : "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
        }
        UpstreamUris.check(v, "uri", route.uri());
        validateMatch(route.match(), v.at("match"));
        v.range("stripPrefix", route.stripPrefix(), 0, 32);
        v.positive("timeout", route.timeout(), Duration.ofMinutes(10));
        if (route.retry() != null) {
            route.retry().validate(v.at("retry"));
        }
        if (route.circuitBreaker() != null) {
            route.circuitBreaker().validate(v.at("circuitBreaker"));
        }
        if (route.bulkhead() != null) {
            route.bulkhead().validate(v.at("bulkhead"));
        }
        if (route.rateLimit() != null) {
            route.rateLimit().validate(v.at("rateLimit"));
        }
        if (route.cache() != null) {
            route.cache().validate(v.at("cache"));
        }
        if (route.validate() != null) {
            route.validate().validate(v.at("validate"));
        }
        if (route.split() != null) {
            SplitTarget.validate(route.split(), v.at("split"));
        }
        if (route.loadBalancer() != null) {
            route.loadBalancer().validate(v.at("loadBalancer"));
        }
    }

    private static void validateMatch(Match match, Violations v) {
        if (match == null) {
            v.add("is required");
            return;
        }
        if (match.path() == null || !match.path().startsWith("/")) {
            v.add("path", match.path() == null ? "is required" : "must start with /");
        }
        if (match.methods() != null) {
            for (int i = 0; i < match.methods().size(); i++) {
                String method = match.methods().get(i);
                if (method == null || !METHODS.contains(method)) {
                    v.at("methods").at(i).add("must be one of " + String.join(", ", METHODS.stream().sorted().toList()));
                }
            }
        }
        if (match.headers() != null) {
            match.headers().forEach((name, value) -> {
                if (value == null) {
                    v.at("headers").add(name, "needs a value");
                }
            });
        }
        if (match.host() != null && match.host().isBlank()) {
            v.add("host", "must not be blank");
        }
    }
}
