package dev.sluice.starter.lock;

import dev.sluice.traffic.redis.RedisThreads;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Values in the Redis Cluster that only a lock's current holder can write: each value remembers the highest fencing
 * token that wrote it, and a write with a lower token is refused. This is what makes a lock safe against a holder
 * that paused (a GC, a frozen VM) past its lease: by the time it writes, a newer holder has a higher token.
 * <p>
 * Stored as a hash at the caller's key: {@code value} and {@code fence}. The same rule works in SQL:
 * {@code UPDATE t SET ..., fence = :token WHERE id = :id AND fence <= :token}.
 */
public class FencedValues {

    // KEYS: the value. ARGV: value, token. Returns 1 when written, 0 when a higher token wrote it already.
    private static final RedisScript<Long> WRITE = RedisScript.of("""
            local fence = redis.call('HGET', KEYS[1], 'fence')
            if fence and tonumber(fence) > tonumber(ARGV[2]) then
              return 0
            end
            redis.call('HSET', KEYS[1], 'value', ARGV[1], 'fence', ARGV[2])
            return 1
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;

    public FencedValues(ReactiveStringRedisTemplate redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    /** Writes {@code value} at {@code key} with the lease's token; false when a newer holder has written it. */
    public boolean write(String key, String value, LockLease lease) {
        return write(key, value, lease.token());
    }

    /** Writes with an explicit token; false when a higher token has written the key. */
    public boolean write(String key, String value, long token) {
        return Long.valueOf(1).equals(call(() -> redis.execute(WRITE, List.of(key), List.of(value, String.valueOf(token)))
                .next()));
    }

    /** The value at {@code key}, if any. */
    public Optional<String> read(String key) {
        return Optional.ofNullable((String) call(() -> redis.opsForHash().get(key, "value")));
    }

    /** One Redis call, issued from a worker ({@link RedisThreads}) and awaited at most the timeout. */
    private <T> T call(java.util.function.Supplier<Mono<T>> command) {
        return RedisThreads.onWorker(command).block(timeout);
    }

    /** The highest token that wrote {@code key}; 0 when none has. */
    public long fence(String key) {
        Object fence = call(() -> redis.opsForHash().get(key, "fence"));
        return fence == null ? 0 : Long.parseLong(fence.toString());
    }
}
