package dev.sluice.starter.limits;

import dev.sluice.starter.problem.Problems;
import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.traffic.ratelimit.ClusterRateLimiter;
import dev.sluice.traffic.ratelimit.RateLimitDecision;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.PathContainer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether one request to a limited endpoint runs, the same way for servlet and reactive services: first each
 * matching rule's rate, through the limiter the gateway uses (a shared bucket in the Redis Cluster, this instance's
 * share locally when Redis does not answer in time), then each rule's concurrency permits on this instance. A refused
 * request never reaches its handler.
 */
public class EndpointLimiter {

    private final String service;
    private final List<LimitRule> configured;
    private final ClusterRateLimiter limiter;
    private final MeterRegistry meters;
    private final ClusterMembers members;

    /**
     * @param service  the service's name, which keeps its buckets apart from other services' in Redis
     * @param limiter  null when the service has no Redis; then no rule has a rate (see {@link LimitRules})
     * @param meters   null when the service has no metrics
     * @param members  the service's instances by heartbeat, started by {@link #activate}; null without Redis
     */
    EndpointLimiter(String service, List<LimitRule> configured, ClusterRateLimiter limiter, MeterRegistry meters,
            ClusterMembers members) {
        this.service = service;
        this.configured = configured;
        this.limiter = limiter;
        this.meters = meters;
        this.members = members;
    }

    /** Whether a rule may have a rate: only with the shared buckets of the Redis Cluster. */
    boolean sharesRates() {
        return limiter != null;
    }

    /** The configured rules a request matches, in the order they are configured. */
    List<LimitRule> matching(String method, String pathWithinApplication) {
        if (configured.isEmpty()) {
            return List.of();
        }
        PathContainer path = PathContainer.parsePath(pathWithinApplication);
        List<LimitRule> matched = new ArrayList<>(1);
        for (LimitRule rule : configured) {
            if (rule.matches(method, path)) {
                matched.add(rule);
            }
        }
        return matched;
    }

    /**
     * Starts counting this service's instances (the heartbeat the local fallback divides the rate by) once it is
     * known that some rule has a rate: a service that only caps concurrency, or limits nothing, sends Redis nothing.
     *
     * @param annotated the rules handlers declare, known only once the handlers are
     */
    void activate(Collection<LimitRule> annotated) {
        boolean rates = configured.stream().anyMatch(rule -> rule.rate() != null)
                || annotated.stream().anyMatch(rule -> rule.rate() != null);
        if (rates && members != null && !members.isRunning()) {
            members.start();
        }
    }

    /**
     * @param keys the request's key values: the client's address, and how to read a header and the principal
     */
    Mono<Verdict> admit(List<LimitRule> rules, RequestKeys keys) {
        return Flux.fromIterable(rules)
                .filter(rule -> rule.rate() != null)
                .concatMap(rule -> decide(rule, keys).map(decision -> Map.entry(rule, decision)))
                .takeUntil(entry -> !entry.getValue().allowed())
                .collectList()
                .map(decisions -> verdict(rules, decisions));
    }

    private Mono<RateLimitDecision> decide(LimitRule rule, RequestKeys keys) {
        String value = rule.key().valueFor(keys::clientAddress,
                rule.key().header() == null ? null : keys.header(rule.key().header()), keys.principal());
        long start = System.nanoTime();
        return limiter.decide("svc:" + service + "|" + rule.id() + "|" + value, rule.rate())
                .doOnNext(decision -> {
                    if (meters != null) {
                        Timer.builder("sluice.limits.duration").description("Time to an endpoint rate-limit decision")
                                .tag("endpoint", rule.id()).register(meters)
                                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    }
                    count(rule, decision.allowed() ? "allowed" : "denied", decision.source());
                });
    }

    private Verdict verdict(List<LimitRule> rules, List<Map.Entry<LimitRule, RateLimitDecision>> decisions) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map.Entry<LimitRule, RateLimitDecision> tightest = null;
        for (Map.Entry<LimitRule, RateLimitDecision> entry : decisions) {
            if (tightest == null || !entry.getValue().allowed()
                    || entry.getValue().remaining() < tightest.getValue().remaining()) {
                tightest = entry;
            }
        }
        if (tightest != null) {
            RateLimitDecision decision = tightest.getValue();
            headers.putAll(decision.headers());
            if (!decision.allowed()) {
                LimitRule rule = tightest.getKey();
                ProblemDetail problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                        "Endpoint '" + rule.id() + "' allows " + rule.rate().rate() + " requests per "
                                + rule.rate().period().toMillis() + " ms for this " + rule.key().describe());
                problem.setProperty("endpoint", rule.id());
                return Verdict.refused(headers, problem);
            }
        }
        List<LimitRule> held = new ArrayList<>(1);
        for (LimitRule rule : rules) {
            if (rule.permits() == null) {
                continue;
            }
            if (!rule.permits().tryAcquire()) {
                held.forEach(r -> r.permits().release());
                count(rule, "busy", "instance");
                headers.put(HttpHeaders.RETRY_AFTER, "1");
                ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "concurrency_limited",
                        "Endpoint '" + rule.id() + "' already has " + rule.concurrency()
                                + " requests in progress on this instance");
                problem.setProperty("endpoint", rule.id());
                return Verdict.refused(headers, problem);
            }
            held.add(rule);
        }
        return Verdict.admitted(headers, held);
    }

    private void count(LimitRule rule, String decision, String source) {
        if (meters != null) {
            meters.counter("sluice.limits.decisions", "endpoint", rule.id(), "decision", decision, "source", source)
                    .increment();
        }
    }
}
