package dev.sluice.starter.cache;

import dev.sluice.traffic.redis.GuardedRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

/**
 * One named cache in the Redis Cluster: {@code sluice:cache:SERVICE:CACHE:KEY} holding the value as JSON, with the
 * cache's TTL. No hash tag: a cache's keys spread over every slot, so one hot cache does not load one master.
 * <ul>
 *   <li>Every Redis call has a short budget and a breaker: with Redis away, a read is a miss (the method runs), a
 *       write is skipped, and both are counted ({@code sluice.cache.gets{result=error}},
 *       {@code sluice.cache.writes{result=error}}).</li>
 *   <li>Within a transaction, puts and evictions wait for its commit.</li>
 *   <li>{@link #get(Object, Callable)}, which {@code @Cacheable(sync = true)} uses, loads a missing key once per
 *       instance however many callers miss it at once: the others wait for that load.</li>
 * </ul>
 */
public class RedisClusterCache extends AbstractValueAdaptingCache {

    private static final Duration CLEAR_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final String prefix;
    private final Duration ttl;
    private final ReactiveStringRedisTemplate redis;
    private final RedisSerializer<Object> json;
    private final GuardedRedis guarded;
    private final ConcurrentMap<Object, CompletableFuture<Object>> loading = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;
    private final Counter readErrors;
    private final Counter writeErrors;

    RedisClusterCache(String service, String name, Duration ttl, ReactiveStringRedisTemplate redis,
            RedisSerializer<Object> json, GuardedRedis guarded, MeterRegistry meters) {
        super(false);
        this.name = name;
        this.prefix = "sluice:cache:" + service + ":" + name + ":";
        this.ttl = ttl;
        this.redis = redis;
        this.json = json;
        this.guarded = guarded;
        this.hits = Counter.builder("sluice.cache.gets").tag("cache", name).tag("result", "hit").register(meters);
        this.misses = Counter.builder("sluice.cache.gets").tag("cache", name).tag("result", "miss").register(meters);
        this.readErrors = Counter.builder("sluice.cache.gets").tag("cache", name).tag("result", "error")
                .description("Reads that fell through to the method because Redis did not answer in time").register(meters);
        this.writeErrors = Counter.builder("sluice.cache.writes").tag("cache", name).tag("result", "error")
                .description("Writes and evictions Redis did not take").register(meters);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object getNativeCache() {
        return redis;
    }

    /** The Redis key of {@code key} in this cache. */
    public String redisKey(Object key) {
        return prefix + key;
    }

    public Duration ttl() {
        return ttl;
    }

    @Override
    protected Object lookup(Object key) {
        Optional<String> found = guarded.call(() -> redis.opsForValue().get(redisKey(key)).map(Optional::of)
                .defaultIfEmpty(Optional.empty())).block();
        if (found == null) {
            readErrors.increment();
            return null;
        }
        if (found.isEmpty()) {
            misses.increment();
            return null;
        }
        hits.increment();
        return json.deserialize(found.get().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        Object cached = lookup(key);
        if (cached != null) {
            return (T) cached;
        }
        CompletableFuture<Object> mine = new CompletableFuture<>();
        CompletableFuture<Object> running = loading.putIfAbsent(key, mine);
        if (running != null) {
            return (T) join(key, running);
        }
        try {
            T loaded = valueLoader.call();
            put(key, loaded);
            mine.complete(loaded);
            return loaded;
        }
        catch (Exception e) {
            ValueRetrievalException failure = new ValueRetrievalException(key, valueLoader, e);
            mine.completeExceptionally(failure);
            throw failure;
        }
        finally {
            loading.remove(key, mine);
        }
    }

    private Object join(Object key, CompletableFuture<Object> running) {
        try {
            return running.get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for the load of " + key, e);
        }
        catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void put(Object key, Object value) {
        if (value == null) {
            return; // null values are not cached: the next call runs the method again
        }
        String document = new String(json.serialize(value), StandardCharsets.UTF_8);
        afterCommit(() -> write(redis.opsForValue().set(redisKey(key), document, ttl)));
    }

    /** Within a transaction, after it commits: evicted earlier, a concurrent read could cache the old row again. */
    @Override
    public void evict(Object key) {
        afterCommit(() -> write(redis.delete(redisKey(key)).thenReturn(true)));
    }

    private static void afterCommit(Runnable write) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    write.run();
                }
            });
        }
        else {
            write.run();
        }
    }

    @Override
    public boolean evictIfPresent(Object key) {
        Long removed = guarded.call(() -> redis.delete(redisKey(key))).block();
        if (removed == null) {
            writeErrors.increment();
            return false;
        }
        return removed > 0;
    }

    /**
     * Removes every entry of this cache. Its keys are spread over the cluster, so each master is asked for them
     * ({@code KEYS sluice:cache:SERVICE:CACHE:*}, which costs Redis time in proportion to the node's keys: clearing
     * a whole cache is for rare events, not for every write).
     */
    @Override
    public void clear() {
        ByteBuffer pattern = ByteBuffer.wrap((prefix + "*").getBytes(StandardCharsets.UTF_8));
        try {
            Flux.defer(() -> redis.execute(connection -> connection instanceof ReactiveRedisClusterConnection cluster
                            ? cluster.clusterGetNodes().filter(RedisClusterNode::isMaster)
                                    .concatMap(node -> cluster.keyCommands().keys(node, pattern.duplicate()))
                                    .flatMapIterable(found -> found)
                                    .map(key -> StandardCharsets.UTF_8.decode(key).toString())
                            : redis.scan(ScanOptions.scanOptions().match(prefix + "*").count(500).build())))
                    .subscribeOn(Schedulers.boundedElastic())
                    // Deleting is more commands: issued from a worker, not from the event loop the keys came on.
                    .publishOn(Schedulers.boundedElastic())
                    .concatMap(redis::delete)
                    .then().block(CLEAR_TIMEOUT);
        }
        catch (RuntimeException e) {
            writeErrors.increment();
        }
    }

    private void write(Mono<Boolean> call) {
        if (guarded.call(() -> call).block() == null) {
            writeErrors.increment();
        }
    }
}
