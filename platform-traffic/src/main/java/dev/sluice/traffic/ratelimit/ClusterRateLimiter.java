package dev.sluice.traffic.ratelimit;

import dev.sluice.traffic.redis.GuardedRedis;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * A token bucket shared by every instance that limits the same thing: the gateway nodes for a route, or a service's
 * instances for an endpoint. It decides with the shared bucket in Redis when Redis answers within a short budget,
 * and with this instance's local bucket otherwise. A busy instance takes tokens from Redis in small leases
 * ({@link LeasedTokens}) rather than one round trip per request. Redis calls go through {@link GuardedRedis}: while
 * Redis is failing, requests go straight to the local bucket instead of each waiting out the budget. The limiter
 * neither fails open nor stalls.
 */
public class ClusterRateLimiter {

    private final RedisTokenBucket redis;
    private final LocalTokenBuckets local = new LocalTokenBuckets();
    private final Map<String, LeasedTokens> leases = new ConcurrentHashMap<>();
    private final IntSupplier instances;
    private final GuardedRedis guard;

    /**
     * @param instances how many instances share the limits now, as last seen (see {@link
     *                  dev.sluice.traffic.cluster.ClusterMembers#aliveCount()}): the local fallback admits that share
     */
    public ClusterRateLimiter(ReactiveStringRedisTemplate redis, IntSupplier instances, GuardedRedis guard) {
        this.redis = new RedisTokenBucket(redis);
        this.instances = instances;
        this.guard = guard;
    }

    /**
     * @param bucket the bucket's name, unique across everything that shares this Redis Cluster (the caller prefixes
     *               it with its route or service); braces must already be removed, since it is used as a hash tag
     */

    public Mono<RateLimitDecision> decide(String bucket, RateLimit limit) {
        if (leases.size() > 100_000) {
            leases.clear(); // a flood of distinct keys: start over rather than grow without bound
        }
        LeasedTokens lease = leases.computeIfAbsent(bucket, k -> new LeasedTokens());
        long now = System.nanoTime();
        if (lease.tryTake(now)) {
            return Mono.just(new RateLimitDecision(true, limit.burst(), lease.remaining(), lease.resetMillis(),
                    RateLimitDecision.CLUSTER));
        }
        return guard.call(() -> redis.take(bucket, limit, lease.wanted(limit)))
                .map(taken -> {
                    long at = System.nanoTime();
                    if (taken.tokens() > 0) {
                        lease.refill(taken.tokens(), taken.remaining(), taken.resetMillis(), at);
                    }
                    return new RateLimitDecision(taken.tokens() > 0, limit.burst(),
                            taken.tokens() > 0 ? lease.remaining() : taken.remaining(), taken.resetMillis(),
                            RateLimitDecision.CLUSTER);
                })
                .switchIfEmpty(Mono.fromSupplier(() -> locally(bucket, limit)));
    }

    private RateLimitDecision locally(String bucket, RateLimit limit) {
        return local.take(bucket, limit, instances.getAsInt(), System.currentTimeMillis());
    }

}
