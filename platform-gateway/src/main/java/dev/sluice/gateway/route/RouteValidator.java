package dev.sluice.gateway.route;

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

    /** Stands in for a missing route in table-wide checks, so that each policy need not test for null. */
    private static final RouteDocument EMPTY = new RouteDocument(null, null, null, null, null);

    private RouteValidator() {
    }

    /** Validates a whole route table: each route, that ids are unique, and what each policy checks across routes. */
    public static void validate(RouteModel model, List<RouteDocument> routes, Violations v) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteDocument route = routes.get(i);
            if (route == null) {
                v.at(i).add("must be an object");
                continue;
            }
            validate(model, route, v.at(i));
            if (route.id() != null && !ids.add(route.id())) {
                v.at(i).add("id", "is used by another route");
            }
        }
        List<RouteDocument> present = routes.stream().map(r -> r != null ? r : EMPTY).toList();
        for (RoutePolicy<?> policy : model.policies()) {
            policy.validateTable(present, v);
        }
    }

    public static void validate(RouteModel model, RouteDocument route, Violations v) {
        if (route.id() == null || !ID.matcher(route.id()).matches()) {
            v.add("id", route.id() == null ? "is required" : "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
        }
        UpstreamUris.check(v, "uri", route.uri());
        validateMatch(route.match(), v.at("match"));
        v.range("stripPrefix", route.stripPrefix(), 0, 32);
        v.positive("timeout", route.timeout(), Duration.ofMinutes(10));
        for (RoutePolicy<?> policy : model.policies()) {
            validate(policy, route, v);
        }
    }

    private static <S> void validate(RoutePolicy<S> policy, RouteDocument route, Violations v) {
        S spec = route.policy(policy);
        if (spec != null) {
            policy.validate(spec, v.at(policy.field()));
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
