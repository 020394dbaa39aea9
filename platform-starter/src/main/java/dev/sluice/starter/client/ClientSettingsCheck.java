package dev.sluice.starter.client;

import dev.sluice.traffic.loadbalancer.Balancing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks {@code sluice.clients} before anything is built: every mistake, named by its property path, at once. */
final class ClientSettingsCheck {

    private ClientSettingsCheck() {
    }

    /** @param discovery whether the service has a discovery client, which {@code lb://} needs */
    static void check(Map<String, ClientProperties.Client> clients, boolean discovery) {
        List<String> violations = new ArrayList<>();
        clients.forEach((name, client) -> {
            String at = "sluice.clients." + name + ".";
            if (name.isBlank() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                violations.add(at + ": the name may hold letters, digits, '-' and '_' only");
            }
            URI base = null;
            if (client.baseUrl() == null || client.baseUrl().isBlank()) {
                violations.add(at + "base-url: is required");
            }
            else {
                try {
                    base = URI.create(client.baseUrl().trim());
                }
                catch (IllegalArgumentException e) {
                    violations.add(at + "base-url: is not a URL");
                }
            }
            if (base != null) {
                if (!List.of("lb", "http", "https").contains(String.valueOf(base.getScheme()))
                        || base.getHost() == null) {
                    violations.add(at + "base-url: must be lb://SERVICE, http://HOST or https://HOST");
                }
                else if ("lb".equals(base.getScheme()) && !discovery) {
                    violations.add(at + "base-url: lb:// needs a discovery client (Spring Cloud), which this service does not have");
                }
            }
            if (!Balancing.isStrategy(client.loadBalancer().strategy())) {
                violations.add(at + "load-balancer.strategy: must be round-robin or weighted");
            }
            positive(violations, at + "connect-timeout", client.connectTimeout());
            positive(violations, at + "response-timeout", client.responseTimeout());
            ClientProperties.Retry r = client.retry();
            range(violations, at + "retry.max-attempts", r.maxAttempts(), 1, 10);
            positive(violations, at + "retry.initial-backoff", r.initialBackoff());
            positive(violations, at + "retry.max-backoff", r.maxBackoff());
            if (r.multiplier() < 1 || r.multiplier() > 10) {
                violations.add(at + "retry.multiplier: must be between 1 and 10");
            }
            if (r.budgetRatio() < 0 || r.budgetRatio() > 1) {
                violations.add(at + "retry.budget-ratio: must be between 0 and 1");
            }
            for (int status : r.statuses()) {
                range(violations, at + "retry.statuses", status, 500, 599);
            }
            ClientProperties.CircuitBreaker b = client.circuitBreaker();
            if (b.failureRateThreshold() <= 0 || b.failureRateThreshold() > 100) {
                violations.add(at + "circuit-breaker.failure-rate-threshold: must be above 0 and at most 100");
            }
            range(violations, at + "circuit-breaker.sliding-window-size", b.slidingWindowSize(), 1, 10_000);
            range(violations, at + "circuit-breaker.minimum-number-of-calls", b.minimumNumberOfCalls(), 1, 10_000);
            range(violations, at + "circuit-breaker.permitted-calls-in-half-open", b.permittedCallsInHalfOpen(), 1, 1_000);
            positive(violations, at + "circuit-breaker.wait-in-open-state", b.waitInOpenState());
            positive(violations, at + "circuit-breaker.slow-call-duration", b.slowCallDuration());
            range(violations, at + "bulkhead.max-concurrent-calls", client.bulkhead().maxConcurrentCalls(), 1, 100_000);
            if (client.bulkhead().maxWait().isNegative()) {
                violations.add(at + "bulkhead.max-wait: must not be negative");
            }
        });
        if (!violations.isEmpty()) {
            throw new InvalidClientsException(violations);
        }
    }

    private static void positive(List<String> violations, String at, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            violations.add(at + ": must be positive");
        }
    }

    private static void range(List<String> violations, String at, int value, int min, int max) {
        if (value < min || value > max) {
            violations.add(at + ": must be between " + min + " and " + max);
        }
    }
}
