package dev.sluice.gateway.ratelimit;

import dev.sluice.gateway.cluster.GatewayNodes;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Decides with the shared bucket in Redis when Redis answers within a short budget, and with this node's local
 * bucket otherwise. A busy node takes tokens from Redis in small leases ({@link LeasedTokens}) rather than one
 * round trip per request. Redis calls have their own breaker: while Redis is failing (a master down, a failover under way),
 * requests go straight to the local bucket instead of each waiting out the budget. The limiter neither fails open
 * nor stalls.
 */
public class ClusterRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(ClusterRateLimiter.class);

    private final RedisTokenBucket redis;
    private final LocalTokenBuckets local = new LocalTokenBuckets();
    private final Map<String, LeasedTokens> leases = new ConcurrentHashMap<>();
    private final GatewayNodes nodes;
    private final Duration budget;
    private final CircuitBreaker breaker;

    public ClusterRateLimiter(ReactiveStringRedisTemplate redis, GatewayNodes nodes, Duration budget, Duration breakerOpenFor,
            CircuitBreakerRegistry registry) {
        this.redis = new RedisTokenBucket(redis);
        this.nodes = nodes;
        this.budget = budget;
        this.breaker = registry.circuitBreaker("redis-rate-limiter", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(breakerOpenFor)
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> log.warn("Rate limiter's Redis breaker: {} -> {}",
                event.getStateTransition().getFromState(), event.getStateTransition().getToState()));
    }

    public Mono<RateLimitDecision> decide(String bucket, RateLimitPolicy policy) {
        if (leases.size() > 100_000) {
            leases.clear(); // a flood of distinct keys: start over rather than grow without bound
        }
        LeasedTokens lease = leases.computeIfAbsent(bucket, k -> new LeasedTokens());
        long now = System.nanoTime();
        if (lease.tryTake(now)) {
            return Mono.just(new RateLimitDecision(true, policy.burstOrRate(), lease.remaining(), lease.resetMillis(),
                    RateLimitDecision.CLUSTER));
        }
        if (!breaker.tryAcquirePermission()) {
            return Mono.just(locally(bucket, policy));
        }
        return redis.take(bucket, policy, lease.wanted(policy))
                .timeout(budget)
                .map(taken -> {
                    long at = System.nanoTime();
                    if (taken.tokens() > 0) {
                        lease.refill(taken.tokens(), taken.remaining(), taken.resetMillis(), at);
                    }
                    return new RateLimitDecision(taken.tokens() > 0, policy.burstOrRate(),
                            taken.tokens() > 0 ? lease.remaining() : taken.remaining(), taken.resetMillis(),
                            RateLimitDecision.CLUSTER);
                })
                .doOnNext(decision -> breaker.onSuccess(System.nanoTime() - now, TimeUnit.NANOSECONDS))
                .onErrorResume(error -> {
                    breaker.onError(System.nanoTime() - now, TimeUnit.NANOSECONDS, error);
                    return Mono.just(locally(bucket, policy));
                })
                .switchIfEmpty(Mono.fromSupplier(() -> locally(bucket, policy)))
                .doOnCancel(breaker::releasePermission);
    }

    private RateLimitDecision locally(String bucket, RateLimitPolicy policy) {
        return local.take(bucket, policy, nodes.aliveCount(), System.currentTimeMillis());
    }

    public CircuitBreaker.State redisBreakerState() {
        return breaker.getState();
    }
}
