package dev.sluice.gateway.jmh;

import dev.sluice.test.redis.RedisCluster;
import dev.sluice.traffic.ratelimit.ClusterRateLimiter;
import dev.sluice.traffic.ratelimit.RateLimit;
import dev.sluice.traffic.ratelimit.RateLimitDecision;
import dev.sluice.traffic.redis.GuardedRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cluster rate limit's decision on a busy bucket, against a real six-node Redis Cluster: most requests spend a
 * token leased to this node earlier, and one in many takes a new lease from Redis (a round trip, included in the
 * average). The limit (a billion a second) is far above what one thread can ask, so every request is admitted, as on a
 * route under its limit.
 */
@State(Scope.Benchmark)
public class LeasedRateLimitBenchmark {

    private static final String BUCKET = "route:bench|route";

    private RedisCluster cluster;
    private LettuceConnectionFactory factory;
    private ClusterRateLimiter limiter;
    private long decisions;
    private long local;
    private final RateLimit limit = new RateLimit(1_000_000_000, 1_000_000_000, Duration.ofSeconds(1));

    @Setup(Level.Trial)
    public void startRedis() {
        cluster = RedisCluster.builder().start();
        factory = new LettuceConnectionFactory(new RedisClusterConfiguration(List.of(cluster.nodeAddresses().split(","))));
        factory.afterPropertiesSet();
        factory.start();
        limiter = new ClusterRateLimiter(new ReactiveStringRedisTemplate(factory), () -> 1,
                new GuardedRedis("bench", Duration.ofMillis(50), Duration.ofSeconds(2), CircuitBreakerRegistry.ofDefaults()));
        // The first calls connect and learn the topology, over the 50 ms budget: wait until Redis decides.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!RateLimitDecision.CLUSTER.equals(limiter.decide(BUCKET, limit).block().source())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Redis Cluster did not decide within 60 s");
            }
            sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @TearDown(Level.Trial)
    public void stopRedis() {
        System.out.printf("%n%,d of %,d decisions fell back to the local bucket%n", local, decisions);
        factory.destroy();
        cluster.close();
    }

    @Benchmark
    public RateLimitDecision decide() {
        RateLimitDecision decision = limiter.decide(BUCKET, limit).block();
        if (decision == null || !decision.allowed()) {
            throw new IllegalStateException("the bench limit refused a request: " + decision);
        }
        decisions++;
        if (!RateLimitDecision.CLUSTER.equals(decision.source())) {
            local++; // Redis over its 50 ms budget (a pause in this JVM): reported, since it is not the path measured
        }
        return decision;
    }
}
