package dev.sluice.starter.lock;

import dev.sluice.traffic.redis.RedisThreads;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Locks in the Redis Cluster, each with a fencing token. One lock's keys share the hash tag {@code {NAME}}:
 * <ul>
 *   <li>{@code sluice:lock:{NAME}}: hash ({@code owner}, {@code token}), expiring with the lease;</li>
 *   <li>{@code sluice:lock:{NAME}:fence}: the last token issued, which never expires, so tokens only grow.</li>
 * </ul>
 * Acquisition, renewal and release are each one script: a lock can only be renewed or released by the owner and
 * acquisition that hold it now. Redis replicates asynchronously, so a master failover in the instant after an
 * acquisition can lose it, and that lock can be granted again with the same token; writes stay safe as long as the
 * guarded store refuses tokens lower than the highest it has seen (equal tokens from one such pair both pass).
 */
public class DistributedLocks implements AutoCloseable {

    // KEYS: lock, fence. ARGV: owner, lease ms. Returns {token, 0} when acquired, {0, ms left} when held by another.
    private static final RedisScript<List> ACQUIRE = RedisScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 1 then
              return {0, redis.call('PTTL', KEYS[1])}
            end
            local token = redis.call('INCR', KEYS[2])
            redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token)
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
            return {token, 0}
            """, List.class);

    // KEYS: lock. ARGV: owner, token, lease ms (renew) or nothing (release). Returns 1 when it was the holder's.
    private static final RedisScript<Long> RENEW = RedisScript.of("""
            if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and redis.call('HGET', KEYS[1], 'token') == ARGV[2] then
              redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
              return 1
            end
            return 0
            """, Long.class);

    private static final RedisScript<Long> RELEASE = RedisScript.of("""
            if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] and redis.call('HGET', KEYS[1], 'token') == ARGV[2] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final String instance;
    private final Duration timeout;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sluice-lock-renewal");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param instance names this instance in owners ({@code instance/random}), for views and logs
     * @param timeout  the budget of one Redis call
     */
    public DistributedLocks(ReactiveStringRedisTemplate redis, String instance, Duration timeout) {
        this.redis = redis;
        this.instance = instance;
        this.timeout = timeout;
    }

    /**
     * Takes the lock {@code name} for {@code lease}, waiting up to {@code wait} for its holder to release it or lose
     * it; empty when it could not. A Redis failure counts as not acquired.
     */
    public Optional<LockLease> tryLock(String name, Duration lease, Duration wait) {
        List<String> keys = keys(name);
        String owner = instance + "/" + UUID.randomUUID();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long asked = System.nanoTime();
            long leftMillis;
            try {
                List<?> result = call(() -> redis.execute(ACQUIRE, keys,
                        List.of(owner, String.valueOf(lease.toMillis()))).next());
                long token = ((Number) result.get(0)).longValue();
                if (token > 0) {
                    return Optional.of(new LockLease(this, name, owner, token, lease, asked));
                }
                leftMillis = ((Number) result.get(1)).longValue();
            }
            catch (RuntimeException e) {
                leftMillis = 100;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Optional.empty();
            }
            // Poll again soon, but not past the holder's lease or the caller's wait.
            long pause = Math.min(Math.max(10, Math.min(leftMillis, 100)), TimeUnit.NANOSECONDS.toMillis(remaining) + 1);
            try {
                Thread.sleep(pause);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /**
     * Runs {@code work} under the lock, renewing the lease every third of it while the work runs, and releases it
     * after. Empty when the lock could not be taken within {@code wait}. If a renewal finds the lock lost, the lease
     * reports so ({@link LockLease#isHeld()}); the work should stop and its writes are refused by the token.
     */
    public <T> Optional<T> withLock(String name, Duration lease, Duration wait, Function<LockLease, T> work) {
        Optional<LockLease> taken = tryLock(name, lease, wait);
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        LockLease held = taken.get();
        ScheduledFuture<?> renewal = keepRenewed(held);
        try {
            return Optional.ofNullable(work.apply(held));
        }
        finally {
            renewal.cancel(false);
            held.release();
        }
    }

    /**
     * Renews {@code lease} every third of its length until it is cancelled or the lock is found lost. The first
     * renewal comes sooner when the acquisition itself was slow and left less than the lease.
     */
    public ScheduledFuture<?> keepRenewed(LockLease lease) {
        long every = Math.max(1, lease.lease().toMillis() / 3);
        long first = Math.max(1, Math.min(every, lease.remaining().toMillis() / 2));
        return renewer.scheduleWithFixedDelay(() -> {
            if (!lease.isEnded()) {
                lease.renew(); // checked by owner and token in Redis, so safe even once the local belief ran out
            }
        }, first, every, TimeUnit.MILLISECONDS);
    }

    /** True when renewed, false when the lock is no longer this lease's, null when Redis did not say. */
    Boolean renew(LockLease lease) {
        try {
            return Long.valueOf(1).equals(call(() -> redis.execute(RENEW, keys(lease.name()).subList(0, 1),
                    List.of(lease.owner(), String.valueOf(lease.token()), String.valueOf(lease.lease().toMillis())))
                    .next()));
        }
        catch (RuntimeException e) {
            return null; // unknown: the lease keeps its old end, and the next renewal may land
        }
    }

    boolean release(LockLease lease) {
        try {
            return Long.valueOf(1).equals(call(() -> redis.execute(RELEASE, keys(lease.name()).subList(0, 1),
                    List.of(lease.owner(), String.valueOf(lease.token()))).next()));
        }
        catch (RuntimeException e) {
            return false; // it expires by itself
        }
    }

    /** One Redis call, issued from a worker ({@link RedisThreads}) and awaited at most the timeout. */
    private <T> T call(java.util.function.Supplier<Mono<T>> command) {
        return RedisThreads.onWorker(command).block(timeout);
    }

    static List<String> keys(String name) {
        if (name.isBlank() || name.indexOf('{') >= 0 || name.indexOf('}') >= 0) {
            throw new IllegalArgumentException("A lock name must be non-blank and hold no braces: '" + name + "'");
        }
        return List.of("sluice:lock:{" + name + "}", "sluice:lock:{" + name + "}:fence");
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }
}
