package dev.sluice.traffic.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Redis calls on the request path, each with a short budget and, per use, a breaker of its own. A call Redis cannot
 * answer within the budget, and every call while the breaker is open (a master down, a failover under way),
 * completes empty at once, so the caller falls back (a local bucket, an uncached request) instead of waiting. Used by
 * the gateway and the services alike.
 */
public final class GuardedRedis {

    private static final Logger log = LoggerFactory.getLogger(GuardedRedis.class);
    private final Duration budget;
    private final CircuitBreaker breaker;

    public GuardedRedis(String name, Duration budget, Duration openFor, CircuitBreakerRegistry registry) {
        this.budget = budget;
        this.breaker = registry.circuitBreaker(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
        // Transitions happen on the thread that saw the failure, which a request is often waiting on: writing the
        // log line there added 20+ ms to that request's decision, so it is written on another thread.
        breaker.getEventPublisher().onStateTransition(event -> Schedulers.boundedElastic().schedule(() -> log.warn(
                "Redis breaker {}: {} -> {}", name, event.getStateTransition().getFromState(),
                event.getStateTransition().getToState())));
    }

    /** The call's answer, or empty when Redis is away, slow or failing. */
    public <T> Mono<T> call(Supplier<Mono<T>> call) {
        if (!breaker.tryAcquirePermission()) {
            return Mono.empty();
        }
        long start = System.nanoTime();
        // On a worker (RedisThreads): during a failover Lettuce can do connection and topology work synchronously
        // when a command is issued, which no timeout operator can cut short on the caller's thread (decisions took
        // up to 93 ms against a 50 ms budget in bench/LimiterDecisions.java; with this hop, 57-60 ms).
        return RedisThreads.onWorker(call)
                .timeout(budget)
                .doOnSuccess(answer -> breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS))
                .onErrorResume(error -> {
                    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
                    return Mono.empty();
                })
                .doOnCancel(breaker::releasePermission);
    }
}
