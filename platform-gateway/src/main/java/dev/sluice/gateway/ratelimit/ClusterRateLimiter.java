package dev.sluice.gateway.ratelimit;

import dev.sluice.gateway.cluster.GatewayNodes;
import dev.sluice.gateway.support.GuardedRedis;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides with the shared bucket in Redis when Redis answers within a short budget, and with this node's local
 * bucket otherwise. A busy node takes tokens from Redis in small leases ({@link LeasedTokens}) rather than one
 * round trip per request. Redis calls go through {@link GuardedRedis}: while Redis is failing, requests go straight
 * to the local bucket instead of each waiting out the budget. The limiter neither fails open nor stalls.
 */
public class ClusterRateLimiter {


    private final RedisTokenBucket redis;
    private final LocalTokenBuckets local = new LocalTokenBuckets();
    private final Map<String, LeasedTokens> leases = new ConcurrentHashMap<>();
    private final GatewayNodes nodes;
    private final GuardedRedis guard;

    public ClusterRateLimiter(ReactiveStringRedisTemplate redis, GatewayNodes nodes, GuardedRedis guard) {
        this.redis = new RedisTokenBucket(redis);
        this.nodes = nodes;
        this.guard = guard;
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
        return guard.call(() -> redis.take(bucket, policy, lease.wanted(policy)))
                .map(taken -> {
                    long at = System.nanoTime();
                    if (taken.tokens() > 0) {
                        lease.refill(taken.tokens(), taken.remaining(), taken.resetMillis(), at);
                    }
                    return new RateLimitDecision(taken.tokens() > 0, policy.burstOrRate(),
                            taken.tokens() > 0 ? lease.remaining() : taken.remaining(), taken.resetMillis(),
                            RateLimitDecision.CLUSTER);
                })
                .switchIfEmpty(Mono.fromSupplier(() -> locally(bucket, policy)));
    }

    private RateLimitDecision locally(String bucket, RateLimitPolicy policy) {
        return local.take(bucket, policy, nodes.aliveCount(), System.currentTimeMillis());
    }

}
