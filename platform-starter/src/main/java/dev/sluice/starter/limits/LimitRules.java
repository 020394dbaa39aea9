package dev.sluice.starter.limits;

import dev.sluice.traffic.ratelimit.RateLimit;
import dev.sluice.traffic.ratelimit.RateLimitKey;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Turns configured entries and annotations into {@link LimitRule}s. Every mistake is named with its property path
 * (or its handler method), all of them at once, and the service does not start with any: a limit that silently does
 * nothing is worse than none.
 */
final class LimitRules {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final int MAX_RATE = 1_000_000;

    private LimitRules() {
    }

    /** @param redis whether a shared bucket can be had; a rate limit needs one */
    static List<LimitRule> compile(List<EndpointLimitProperties.Endpoint> endpoints, boolean redis) {
        List<String> violations = new ArrayList<>();
        List<LimitRule> rules = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < endpoints.size(); i++) {
            String at = "sluice.limits.endpoints[" + i + "].";
            EndpointLimitProperties.Endpoint e = endpoints.get(i);
            List<String> local = new ArrayList<>();
            PathPattern path = null;
            if (e.path() == null || e.path().isBlank()) {
                local.add(at + "path: is required");
            }
            else {
                try {
                    path = PathPatternParser.defaultInstance.parse(e.path().trim());
                }
                catch (PatternParseException ex) {
                    local.add(at + "path: is not a path pattern (" + ex.getMessage() + ")");
                }
            }
            Set<String> methods = new LinkedHashSet<>();
            for (int m = 0; m < e.methods().size(); m++) {
                String method = e.methods().get(m) == null ? "" : e.methods().get(m).trim().toUpperCase(Locale.ROOT);
                if (!METHODS.contains(method)) {
                    local.add(at + "methods[" + m + "]: must be one of " + String.join(", ", METHODS.stream().sorted().toList()));
                }
                methods.add(method);
            }
            boolean named = e.id() != null && !e.id().isBlank();
            String id = named ? e.id().trim() : derivedId(methods, e.path());
            if (named || path != null) {
                checkId(at + "id", id, local);
            }
            if (!ids.add(id)) {
                local.add(at + "id: '" + id + "' is used by an earlier entry; give each entry its own id");
            }
            LimitRule rule = rule(at, id, methods, path, e.rate(), e.burst(), e.period(), e.key(), e.concurrency(), redis,
                    local);
            violations.addAll(local);
            if (local.isEmpty()) {
                rules.add(rule);
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidLimitsException(violations);
        }
        return List.copyOf(rules);
    }

    /** The rule an {@link EndpointLimit} on a handler method stands for. */
    static LimitRule fromAnnotation(EndpointLimit limit, Method handler, boolean redis) {
        String where = handler.getDeclaringClass().getSimpleName() + "." + handler.getName();
        String at = "@EndpointLimit on " + where + ": ";
        List<String> violations = new ArrayList<>();
        String id = limit.id().isBlank() ? where : limit.id().trim();
        checkId(at + "id", id, violations);
        Duration period;
        try {
            period = DurationStyle.detectAndParse(limit.period());
        }
        catch (IllegalArgumentException e) {
            violations.add(at + "period: '" + limit.period() + "' is not a duration such as 1s or 1m");
            period = Duration.ofSeconds(1); // reported above; keeps the other checks going
        }
        LimitRule rule = rule(at, id, Set.of(), null, limit.rate() == 0 ? null : limit.rate(),
                limit.burst() == 0 ? null : limit.burst(), period, limit.key(),
                limit.concurrency() == 0 ? null : limit.concurrency(), redis, violations);
        if (!violations.isEmpty()) {
            throw new InvalidLimitsException(violations);
        }
        return rule;
    }

    private static LimitRule rule(String at, String id, Set<String> methods, PathPattern path, Integer rate,
            Integer burst, Duration period, String keyText, Integer concurrency, boolean redis, List<String> violations) {
        if (rate == null && concurrency == null) {
            violations.add(at + "rate: set rate, concurrency or both; this entry limits nothing");
        }
        RateLimit shape = null;
        if (rate != null) {
            check(at + "rate", rate, 1, MAX_RATE, violations);
            if (burst != null) {
                check(at + "burst", burst, 1, 10 * MAX_RATE, violations);
            }
            if (period == null) {
                violations.add(at + "period: is required");
            }
            else if (period.isNegative() || period.isZero() || period.compareTo(Duration.ofDays(1)) > 0) {
                violations.add(at + "period: must be positive and at most 1d");
            }
            if (!redis) {
                violations.add(at + "rate: needs the Redis Cluster (spring.data.redis.*), which this service does not have");
            }
            if (violations.isEmpty()) {
                shape = new RateLimit(rate, burst != null ? burst : rate, period);
            }
        }
        RateLimitKey key = RateLimitKey.parse(keyText, "endpoint");
        if (key == null) {
            violations.add(at + "key: must be ip, endpoint, principal or header:NAME");
        }
        if (concurrency != null) {
            check(at + "concurrency", concurrency, 1, 100_000, violations);
        }
        if (!violations.isEmpty()) {
            return null;
        }
        return new LimitRule(id, Set.copyOf(methods), path, shape, key,
                concurrency == null ? null : new Semaphore(concurrency), concurrency == null ? 0 : concurrency);
    }

    /** {@code GET,HEAD /api/items/:sku} for {@code /api/items/{sku}}: an id without the braces Redis keys cannot hold. */
    private static String derivedId(Set<String> methods, String path) {
        String plain = path == null ? "" : path.trim().replace("{", ":").replace("}", "");
        return (methods.isEmpty() ? "" : String.join(",", methods) + " ") + plain;
    }

    /** Ids end up in Redis keys, metric tags and problem details: keep them short and plain. */
    private static void checkId(String at, String id, List<String> violations) {
        if (id.isEmpty() || id.length() > 100 || id.indexOf('{') >= 0 || id.indexOf('}') >= 0 || id.indexOf('|') >= 0) {
            violations.add(at + ": must be 1 to 100 characters, without braces or '|'");
        }
    }

    private static void check(String at, int value, int min, int max, List<String> violations) {
        if (value < min || value > max) {
            violations.add(at + ": must be between " + min + " and " + max);
        }
    }
}
