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
import java.util.concurrent.TimeUnit;

/**
 * Decides with the shared bucket in Redis when Redis answers within a short budget, and with this node's local
 * bucket otherwise. Redis calls have their own breaker: while Redis is failing (a master down, a failover under way),
 * requests go straight to the local bucket instead of each waiting out the budget. The limiter neither fails open
 * nor stalls.
 */
public class ClusterRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(ClusterRateLimiter.class);

    private final RedisTokenBucket redis;
    private final LocalTokenBuckets local = new LocalTokenBuckets();
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
        if (!breaker.tryAcquirePermission()) {
            return Mono.just(locally(bucket, policy));
        }
        long start = System.nanoTime();
        return redis.take(bucket, policy)
                .timeout(budget)
                .doOnNext(decision -> breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS))
                .onErrorResume(error -> {
                    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
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
