package dev.sluice.gateway.ratelimit;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import dev.sluice.traffic.address.ClientAddresses;
import dev.sluice.traffic.ratelimit.ClusterRateLimiter;
import dev.sluice.traffic.ratelimit.RateLimit;
import dev.sluice.traffic.ratelimit.RateLimitDecision;
import dev.sluice.traffic.ratelimit.RateLimitKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.lang.reflect.Type;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code rateLimit}: a token bucket per route and key, shared by all gateway nodes (see {@link ClusterRateLimiter}).
 * Every answer carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds);
 * a denied request gets 429 problem+json with {@code Retry-After} and never reaches the upstream.
 */
public class RateLimitGatewayFilterFactory implements RoutePolicy<RateLimitPolicy> {

    /** Rejects over-quota requests before any other route policy does work. */
    public static final int ORDER = -300;

    @Override
    public String field() {
        return "rateLimit";
    }

    @Override
    public Type specType() {
        return RateLimitPolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(RateLimitPolicy spec, Violations v) {
        spec.validate(v);
    }

    private final ClusterRateLimiter limiter;
    private final ClientAddresses clients;
    private final MeterRegistry meters;

    public RateLimitGatewayFilterFactory(ClusterRateLimiter limiter, ClientAddresses clients, MeterRegistry meters) {
        this.limiter = limiter;
        this.clients = clients;
        this.meters = meters;
    }

    @Override
    public GatewayFilter apply(RouteDocument route, RateLimitPolicy policy, Violations violations) {
        String key = policy.keyOrIp();
        RateLimitKey bucketKey = policy.toKey();
        RateLimit limit = policy.toLimit();
        Decisions decisions = new Decisions(meters, route.id());
        Timer latency = Timer.builder("sluice.gateway.ratelimit.duration").description("Time to a limiter decision")
                .tag("route", route.id()).register(meters);
        return new OrderedGatewayFilter((exchange, chain) -> keyOf(bucketKey, exchange)
                .flatMap(value -> {
                    long start = System.nanoTime();
                    return limiter.decide(route.id() + "|" + value, limit)
                            .doOnNext(decision -> latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
                })
                .flatMap(decision -> {
                    decisions.count(decision);
                    decision.headers().forEach(exchange.getResponse().getHeaders()::set);
                    if (decision.allowed()) {
                        return chain.filter(exchange);
                    }
                    return ProblemResponses.write(exchange, GatewayProblem.of(HttpStatus.TOO_MANY_REQUESTS,
                            "rate_limited", "Route '" + route.id() + "' allows " + policy.rate() + " requests per "
                                    + policy.periodOrSecond().toMillis() + " ms for this " + key));
                }), ORDER);
    }

    /** The bucket key: the shared {@link RateLimitKey}'s value for this request. */
    private Mono<String> keyOf(RateLimitKey key, ServerWebExchange exchange) {
        Supplier<String> address = () -> clients.clientAddress(exchange);
        return switch (key.kind()) {
            case PRINCIPAL -> exchange.getPrincipal().map(p -> key.valueFor(address, null, p.getName()))
                    .defaultIfEmpty(key.valueFor(address, null, null));
            case HEADER -> Mono.just(key.valueFor(address, exchange.getRequest().getHeaders().getFirst(key.header()), null));
            default -> Mono.just(key.valueFor(address, null, null));
        };
    }

    /** Limiter decisions by outcome: allowed, denied, and local-fallback (decided without Redis). */
    private static final class Decisions {
        private final Counter allowed;
        private final Counter denied;
        private final Counter localAllowed;
        private final Counter localDenied;

        Decisions(MeterRegistry meters, String routeId) {
            allowed = meters.counter("sluice.gateway.ratelimit.decisions", "route", routeId, "decision", "allowed", "source", "cluster");
            denied = meters.counter("sluice.gateway.ratelimit.decisions", "route", routeId, "decision", "denied", "source", "cluster");
            localAllowed = meters.counter("sluice.gateway.ratelimit.decisions", "route", routeId, "decision", "allowed", "source", "local");
            localDenied = meters.counter("sluice.gateway.ratelimit.decisions", "route", routeId, "decision", "denied", "source", "local");
        }

        void count(RateLimitDecision decision) {
            boolean local = RateLimitDecision.LOCAL.equals(decision.source());
            (decision.allowed() ? (local ? localAllowed : allowed) : (local ? localDenied : denied)).increment();
        }
    }
}
