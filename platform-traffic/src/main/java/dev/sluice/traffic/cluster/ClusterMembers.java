package dev.sluice.traffic.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The live members of one group (the gateway nodes, or one service's instances), by heartbeat: each member refreshes
 * its entry in one sorted set in Redis and counts the entries younger than three heartbeats. The count survives Redis
 * outages as the last one seen, which is what the rate limiter's local fallback divides by.
 */
public class ClusterMembers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterMembers.class);
    private final String key;
    private final String infoKey;

    // KEYS[1]: the set, KEYS[2]: each node's self-description. ARGV: node id, max age ms, description JSON.
    // Returns the live count.
    private static final RedisScript<Long> HEARTBEAT = RedisScript.of("""
            if redis.replicate_commands then redis.replicate_commands() end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
            for _, node in ipairs(gone) do redis.call('HDEL', KEYS[2], node) end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 10)
            redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]) * 10)
            return redis.call('ZCARD', KEYS[1])
            """, Long.class);

    /** One live member as the others see it: its last heartbeat (Redis clock, epoch ms) and its self-description. */
    public record Member(String id, long lastHeartbeat, String description) {
    }

    private final ReactiveStringRedisTemplate redis;
    private final String nodeId;
    private final Duration interval;
    private volatile int alive;
    private volatile boolean redisReachable;
    private volatile Disposable heartbeat;
    private volatile Supplier<String> description = () -> "{}";
    private volatile boolean autoStartup = true;

    /**
     * @param group    the group's name; its keys are {@code sluice:{GROUP}:nodes} and {@code sluice:{GROUP}:node-info}
     * @param expected the count to assume until Redis has answered once
     */
    public ClusterMembers(ReactiveStringRedisTemplate redis, String group, String nodeId, Duration interval,
            int expected) {
        if (group.indexOf('{') >= 0 || group.indexOf('}') >= 0) {
            throw new IllegalArgumentException("A member group name cannot hold braces: " + group);
        }
        this.key = "sluice:{" + group + "}:nodes";
        this.infoKey = "sluice:{" + group + "}:node-info";
        this.redis = redis;
        this.nodeId = nodeId;
        this.interval = interval;
        this.alive = Math.max(1, expected);
    }

    public int aliveCount() {
        return alive;
    }

    public boolean redisReachable() {
        return redisReachable;
    }

    public String nodeId() {
        return nodeId;
    }

    /** What each heartbeat publishes about this member (a JSON object), for views such as the Admin API's cluster. */
    public void describeWith(Supplier<String> description) {
        this.description = description;
    }

    /** The live members: those whose heartbeat is recent enough to be in the set (every heartbeat prunes it). */
    public Flux<Member> members() {
        return redis.opsForHash().entries(infoKey).collectMap(e -> (String) e.getKey(), e -> (String) e.getValue())
                // The second command must not be issued from the Lettuce event loop the first one answered on: a
                // (re)connection there would wait on that very thread.
                .publishOn(Schedulers.boundedElastic())
                .flatMapMany(descriptions -> redis.opsForZSet()
                        .rangeWithScores(key, org.springframework.data.domain.Range.unbounded())
                        .map(t -> new Member(t.getValue(), t.getScore().longValue(),
                                descriptions.getOrDefault(t.getValue(), "{}"))));
    }

    /** Off, the heartbeat starts only when its owner calls {@link #start()}: for a group that may turn out unneeded. */
    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    @Override
    public void start() {
        long maxAge = interval.toMillis() * 3;
        heartbeat = Flux.interval(Duration.ZERO, interval, Schedulers.single())
                .onBackpressureDrop()
                .concatMap(tick -> redis.execute(HEARTBEAT, List.of(key, infoKey),
                                List.of(nodeId, String.valueOf(maxAge), describe()))
                        .next()
                        .timeout(interval)
                        .doOnNext(count -> {
                            alive = (int) Math.max(1, count);
                            redisReachable = true;
                        })
                        .onErrorResume(error -> {
                            if (redisReachable) {
                                log.warn("Heartbeat to {} failed; keeping {} live members as last seen: {}", key, alive, error.toString());
                            }
                            redisReachable = false;
                            return reactor.core.publisher.Mono.empty();
                        }), 1)
                .subscribe();
    }

    private String describe() {
        try {
            return description.get();
        }
        catch (RuntimeException e) {
            return "{}";
        }
    }

    @Override
    public void stop() {
        Disposable running = heartbeat;
        if (running != null) {
            running.dispose();
        }
        try {
            redis.opsForZSet().remove(key, nodeId).publishOn(Schedulers.boundedElastic())
                    .then(Mono.defer(() -> redis.opsForHash().remove(infoKey, nodeId)))
                    .block(Duration.ofMillis(500));
        }
        catch (RuntimeException e) {
            // Redis is away: the entry ages out by itself
        }
    }

    @Override
    public boolean isRunning() {
        return heartbeat != null && !heartbeat.isDisposed();
    }
}
