package dev.sluice.starter.cache;

import dev.sluice.traffic.redis.GuardedRedis;
import dev.sluice.traffic.redis.RedisThreads;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Hands out {@link RedisClusterCache}s by name, each with its TTL; all share one Redis breaker. Once the context is
 * built it makes one Redis call with a generous timeout, so that connecting to the cluster (topology, connections)
 * is not charged to the first reads' short budget, where a few slow calls would open the breaker.
 */
public class RedisClusterCacheManager implements CacheManager, SmartInitializingSingleton {

    private static final Duration WARM_UP = Duration.ofSeconds(5);

    private final String service;
    private final CacheProperties properties;
    private final ReactiveStringRedisTemplate redis;
    private final RedisSerializer<Object> json;
    private final GuardedRedis guarded;
    private final MeterRegistry meters;
    private final ConcurrentMap<String, RedisClusterCache> caches = new ConcurrentHashMap<>();

    public RedisClusterCacheManager(String service, CacheProperties properties, ReactiveStringRedisTemplate redis,
            RedisSerializer<Object> json, GuardedRedis guarded, MeterRegistry meters) {
        this.service = service;
        this.properties = properties;
        this.redis = redis;
        this.json = json;
        this.guarded = guarded;
        this.meters = meters;
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            RedisThreads.onWorker(() -> redis.hasKey("sluice:cache:" + service + ":warm-up")).block(WARM_UP);
        }
        catch (RuntimeException e) {
            // Redis is away: reads fall through until it is back
        }
    }

    @Override
    public Cache getCache(String name) {
        return caches.computeIfAbsent(name, cache -> new RedisClusterCache(service, cache, properties.ttlOf(cache),
                redis, json, guarded, meters));
    }

    @Override
    public Collection<String> getCacheNames() {
        return List.copyOf(caches.keySet());
    }
}
