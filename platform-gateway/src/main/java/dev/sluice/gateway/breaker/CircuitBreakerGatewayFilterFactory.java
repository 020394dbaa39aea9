package dev.sluice.gateway.breaker;

import dev.sluice.gateway.cache.ResponseCache;
import dev.sluice.gateway.cache.ResponseCacheGatewayFilterFactory;
import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.RouteJson;
import dev.sluice.gateway.route.Violations;
import dev.sluice.gateway.support.UpstreamFailures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * {@code circuitBreaker}: a Resilience4j breaker per route. Errors reaching the upstream and 5xx answers count as
 * failures, calls slower than {@code slowCallThreshold} (the route's timeout by default) as slow. There is no time
 * limiter: the route's own timeout ends a call, so the breaker never cuts a call shorter than the route allows.
 * While the breaker is open, the fallback answers instead; without one, 503 problem+json. When a call fails before the
 * upstream answered, the fallback answers too, unless the request may have been carried out and is not idempotent:
 * that gets the gateway's 504 or 502 problem. Degraded answers carry {@code Sluice-Degraded}.
 */
public class CircuitBreakerGatewayFilterFactory implements RoutePolicy<CircuitBreakerPolicy> {

    /** Sees the upstream's status before the body is written, and answers with the fallback. */
    public static final int ORDER = 10;

    @Override
    public String field() {
        return "circuitBreaker";
    }

    @Override
    public Type specType() {
        return CircuitBreakerPolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(CircuitBreakerPolicy spec, Violations v) {
        spec.validate(v);
    }

    /** A fallback to another route must name one in the same table, and not the route itself. */
    @Override
    public void validateTable(List<RouteDocument> routes, Violations v) {
        Set<String> ids = routes.stream().map(RouteDocument::id).filter(Objects::nonNull).collect(Collectors.toSet());
        for (int i = 0; i < routes.size(); i++) {
            RouteDocument route = routes.get(i);
            CircuitBreakerPolicy policy = route.policy(this);
            String target = policy == null || policy.fallback() == null ? null : policy.fallback().route();
            if (target != null && (!ids.contains(target) || target.equals(route.id()))) {
                v.at(i).at(field()).at("fallback").add("route",
                        target.equals(route.id()) ? "must name another route" : "names no route in this table");
            }
        }
    }

    public static final String DEGRADED_HEADER = "Sluice-Degraded";
    private static final Logger log = LoggerFactory.getLogger(CircuitBreakerGatewayFilterFactory.class);

    private final CircuitBreakerRegistry registry;
    private final Duration defaultTimeout;
    private final ResponseCache cache;
    /** Breakers survive a route table swap when their policy is unchanged. */
    private final Map<String, PolicyBreaker> breakers = new ConcurrentHashMap<>();

    private final RouteForwarding forwarding;

    public CircuitBreakerGatewayFilterFactory(CircuitBreakerRegistry registry, Duration defaultTimeout, ResponseCache cache,
            RouteForwarding forwarding) {
        this.registry = registry;
        this.defaultTimeout = defaultTimeout;
        this.cache = cache;
        this.forwarding = forwarding;
    }

    private record PolicyBreaker(CircuitBreakerPolicy policy, Duration timeout, CircuitBreaker breaker) {
    }

    /** Nothing to find beyond what {@link CircuitBreakerPolicy#validate} checks; applying would swap live breakers. */
    @Override
    public void check(RouteDocument route, CircuitBreakerPolicy spec, Violations violations) {
    }

    @Override
    public GatewayFilter apply(RouteDocument route, CircuitBreakerPolicy policy, Violations violations) {
        Duration timeout = route.timeoutOr(defaultTimeout);
        CircuitBreaker breaker = breakers.compute(route.id(), (id, existing) -> {
            if (existing != null && existing.policy().equals(policy) && existing.timeout().equals(timeout)) {
                return existing;
            }
            registry.remove(id);
            return new PolicyBreaker(policy, timeout, create(id, policy, timeout));
        }).breaker();
        Fallback fallback = new Fallback(route.id(), policy.fallback(), cache, forwarding);
        return new OrderedGatewayFilter((exchange, chain) -> {
            if (!breaker.tryAcquirePermission()) {
                return fallback.answer(exchange, "circuit_open", false);
            }
            long start = breaker.getCurrentTimestamp();
            AtomicBoolean recorded = new AtomicBoolean();
            return chain.filter(exchange)
                    .doOnSuccess(done -> {
                        recorded.set(true);
                        long elapsed = breaker.getCurrentTimestamp() - start;
                        HttpStatusCode status = exchange.getResponse().getStatusCode();
                        if (status != null && status.is5xxServerError()) {
                            breaker.onError(elapsed, breaker.getTimestampUnit(), new UpstreamStatusException(status.value()));
                        }
                        else {
                            breaker.onSuccess(elapsed, breaker.getTimestampUnit());
                        }
                    })
                    .onErrorResume(error -> {
                        if (recorded.compareAndSet(false, true)) {
                            breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), error);
                        }
                        // A fallback says "not done, try again": not for a request the upstream may have done.
                        if (policy.fallback() != null && !exchange.getResponse().isCommitted()
                                && !UpstreamFailures.outcomeUnknown(exchange.getRequest().getMethod(), error)) {
                            return fallback.answer(exchange, "upstream_failed", true);
                        }
                        return Mono.error(error);
                    })
                    .doOnCancel(() -> {
                        if (recorded.compareAndSet(false, true)) {
                            breaker.releasePermission();
                        }
                    });
        }, ORDER);
    }

    private CircuitBreaker create(String routeId, CircuitBreakerPolicy policy, Duration timeout) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(policy.slidingWindow() != null ? policy.slidingWindow() : 20)
                .minimumNumberOfCalls(policy.minimumCalls() != null ? policy.minimumCalls() : 10)
                .failureRateThreshold(policy.failureRateThreshold() != null ? policy.failureRateThreshold() : 50)
                .slowCallDurationThreshold(policy.slowCallThreshold() != null ? policy.slowCallThreshold() : timeout)
                .waitDurationInOpenState(policy.openFor() != null ? policy.openFor() : Duration.ofSeconds(10))
                .permittedNumberOfCallsInHalfOpenState(3)
                .recordExceptions(Throwable.class)
                .build();
        CircuitBreaker breaker = registry.circuitBreaker(routeId, config);
        breaker.getEventPublisher().onStateTransition(event -> log.warn("Circuit breaker of route '{}': {} -> {}",
                routeId, event.getStateTransition().getFromState(), event.getStateTransition().getToState()));
        return breaker;
    }

    /** Why the breaker counted an answer as a failure: the upstream said 5xx. */
    static final class UpstreamStatusException extends RuntimeException {
        UpstreamStatusException(int status) {
            super("upstream answered " + status, null, false, false);
        }
    }

    /** The degraded answer: another route, a stale cached answer, the route's static fallback, or a 503 problem. */
    private static final class Fallback {

        private final String routeId;
        private final FallbackPolicy policy;
        private final ResponseCache cache;
        private final RouteForwarding forwarding;
        private final byte[] body;
        private final GatewayProblem open;
        private final GatewayProblem failed;

        Fallback(String routeId, FallbackPolicy policy, ResponseCache cache, RouteForwarding forwarding) {
            this.routeId = routeId;
            this.policy = policy;
            this.cache = cache;
            this.forwarding = forwarding;
            this.body = policy != null && policy.body() != null ? RouteJson.mapper().writeValueAsBytes(policy.body()) : null;
            this.open = GatewayProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "circuit_open",
                    "Route '" + routeId + "' is failing and paused; try again shortly");
            this.failed = GatewayProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "upstream_failed",
                    "Route '" + routeId + "' could not reach its upstream");
        }

        /** @param sentUpstream whether the request went upstream (and its body may be spent) */
        Mono<Void> answer(ServerWebExchange exchange, String reason, boolean sentUpstream) {
            if (policy != null && policy.route() != null && forwarding.canForward(exchange, sentUpstream)) {
                Optional<Mono<Void>> forwarded = forwarding.forward(exchange, routeId, policy.route(), reason);
                if (forwarded.isPresent()) {
                    return forwarded.get();
                }
            }
            HttpMethod method = exchange.getRequest().getMethod();
            if (policy != null && Boolean.TRUE.equals(policy.stale()) && (method == HttpMethod.GET || method == HttpMethod.HEAD)) {
                return cache.lookup(routeId, exchange)
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty())
                        .flatMap(entry -> {
                            if (entry.isEmpty()) {
                                return answerStatically(exchange, reason);
                            }
                            exchange.getResponse().getHeaders().set(DEGRADED_HEADER, reason);
                            return ResponseCacheGatewayFilterFactory.replay(exchange, entry.get(), "STALE");
                        });
            }
            return answerStatically(exchange, reason);
        }

        private Mono<Void> answerStatically(ServerWebExchange exchange, String reason) {
            ServerHttpResponse response = exchange.getResponse();
            if (policy == null || (body == null && policy.status() == null && policy.headers() == null)) {
                response.getHeaders().set(DEGRADED_HEADER, reason);
                return ProblemResponses.write(exchange, reason.equals("circuit_open") ? open : failed);
            }
            response.setStatusCode(HttpStatus.valueOf(policy.statusOr503()));
            response.getHeaders().clear();
            if (policy.headers() != null) {
                policy.headers().forEach(response.getHeaders()::set);
            }
            response.getHeaders().set(DEGRADED_HEADER, reason);
            if (body == null) {
                response.getHeaders().setContentLength(0);
                return response.setComplete();
            }
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            response.getHeaders().setContentLength(body.length);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        }
    }
}
