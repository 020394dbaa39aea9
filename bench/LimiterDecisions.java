import dev.sluice.test.redis.RedisCluster;
import dev.sluice.traffic.ratelimit.ClusterRateLimiter;
import dev.sluice.traffic.ratelimit.RateLimit;
import dev.sluice.traffic.ratelimit.RateLimitDecision;
import dev.sluice.traffic.redis.GuardedRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The endpoint limiter's decision time (ClusterRateLimiter, as the starter wires it: 50 ms Redis budget, 2 s breaker)
 * on a real six-node Redis Cluster: healthy, then while the master holding the bucket is killed and its replica
 * promoted. Decisions are taken one at a time at about 400 per second for a bucket of 200 per second, so that leases,
 * Redis round trips and denials all occur.
 *   java -cp CP bench/LimiterDecisions.java [healthy-seconds=20] [failover-seconds=20]
 */
public class LimiterDecisions {

    public static void main(String[] args) throws Exception {
        int healthySeconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int failoverSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Duration budget = Duration.ofMillis(50);
        try (RedisCluster cluster = RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)).start()) {
            LettuceConnectionFactory factory = new LettuceConnectionFactory(
                    new RedisClusterConfiguration(List.of(cluster.nodeAddresses().split(","))),
                    LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1))
                            .clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(
                                    ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                                            .enablePeriodicRefresh(Duration.ofSeconds(5)).build()).build())
                            .build());
            factory.afterPropertiesSet();
            factory.start();
            try {
                ClusterRateLimiter limiter = new ClusterRateLimiter(new ReactiveStringRedisTemplate(factory), () -> 1,
                        new GuardedRedis("bench", budget, Duration.ofSeconds(2), CircuitBreakerRegistry.ofDefaults()));
                RateLimit limit = new RateLimit(200, 200, Duration.ofSeconds(1));
                String bucket = "svc:bench|endpoint|endpoint";
                decide(limiter, bucket, limit, 10, null); // warm-up
                report("healthy", decide(limiter, bucket, limit, healthySeconds, null), budget);
                report("failover", decide(limiter, bucket, limit, failoverSeconds,
                        () -> cluster.killMasterAndAwaitFailover("sluice:rl:{" + bucket + "}", Duration.ofSeconds(30))), budget);
            }
            finally {
                factory.destroy();
            }
        }
    }

    record Run(long[] nanos, long allowed, long local, double seconds) {
    }

    private static Run decide(ClusterRateLimiter limiter, String bucket, RateLimit limit, int seconds, Runnable fault)
            throws InterruptedException {
        List<Long> took = new ArrayList<>();
        long allowed = 0;
        long local = 0;
        long start = System.nanoTime();
        Thread faulting = null;
        if (fault != null) {
            faulting = new Thread(() -> {
                try {
                    Thread.sleep(3_000);
                    fault.run();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            faulting.start();
        }
        long next = start;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            long t = System.nanoTime();
            RateLimitDecision decision = limiter.decide(bucket, limit).block(Duration.ofSeconds(5));
            took.add(System.nanoTime() - t);
            if (decision.allowed()) {
                allowed++;
            }
            if (RateLimitDecision.LOCAL.equals(decision.source())) {
                local++;
            }
            next += 2_500_000; // 400 decisions per second
            long pause = next - System.nanoTime();
            if (pause > 0) {
                TimeUnit.NANOSECONDS.sleep(pause);
            }
        }
        if (faulting != null) {
            faulting.join();
        }
        return new Run(took.stream().mapToLong(Long::longValue).sorted().toArray(), allowed, local,
                (System.nanoTime() - start) / 1e9);
    }

    private static void report(String phase, Run run, Duration budget) {
        long[] n = run.nanos();
        long over = Arrays.stream(n).filter(x -> x > budget.toNanos() + TimeUnit.MILLISECONDS.toNanos(5)).count();
        System.out.printf("| %s | %d | %.3f ms | %.3f ms | %.1f ms | %d | %.0f/s | %d |%n", phase, n.length,
                n[n.length / 2] / 1e6, n[(int) (n.length * 0.99)] / 1e6, n[n.length - 1] / 1e6, over,
                run.allowed() / run.seconds(), run.local());
    }
}
