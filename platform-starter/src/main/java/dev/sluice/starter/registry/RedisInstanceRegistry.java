package dev.sluice.starter.registry;

import dev.sluice.traffic.redis.RedisThreads;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry's data in the Redis Cluster. One service's keys share the hash tag {@code {SERVICE}}, so each
 * heartbeat is one atomic script on one node, while different services spread over the cluster's slots:
 * <ul>
 *   <li>{@code sluice:registry:{SERVICE}:heartbeats}: sorted set, instance id by its last heartbeat (Redis clock, ms);</li>
 *   <li>{@code sluice:registry:{SERVICE}:instances}: hash, instance id to its {@link InstanceRecord} JSON;</li>
 *   <li>{@code sluice:registry:{SERVICE}:since}: hash, instance id to when it joined;</li>
 *   <li>{@code sluice:registry:services}: sorted set, service name by its latest heartbeat;</li>
 *   <li>channel {@code sluice:registry:changes}: a service's name, published when one of its instances joins or
 *       leaves.</li>
 * </ul>
 * Every command starts on a worker ({@link RedisThreads}); commands chained on a result first move to one
 * (publishOn).
 * <p>
 * An entry silent for {@code ttl} is dead to readers; it is deleted a minute later, so that an instance whose
 * heartbeats could not land during a failover is still there, stale, when its heartbeats resume, and views can show
 * what left lately.
 */
public class RedisInstanceRegistry {

    public static final String CHANNEL = "sluice:registry:changes";
    public static final String SERVICES = "sluice:registry:services";

    // KEYS: heartbeats, instances, since. ARGV: id, record JSON, ttl ms, delete-after ms.
    // Returns {1 when the instance (re)joined, else 0; the Redis clock}.
    private static final RedisScript<List> HEARTBEAT = RedisScript.of("""
            if redis.replicate_commands then redis.replicate_commands() end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local last = redis.call('ZSCORE', KEYS[1], ARGV[1])
            local joined = 0
            if not last or now - tonumber(last) > tonumber(ARGV[3]) then
              joined = 1
              redis.call('HSET', KEYS[3], ARGV[1], now)
            end
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[4]))
            for _, id in ipairs(gone) do
              redis.call('HDEL', KEYS[2], id)
              redis.call('HDEL', KEYS[3], id)
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[4]))
            for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, tonumber(ARGV[4])) end
            return {joined, now}
            """, List.class);

    // KEYS: heartbeats, instances, since. ARGV: id. Returns 1 when it was registered.
    private static final RedisScript<Long> DEREGISTER = RedisScript.of("""
            local removed = redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            return removed
            """, Long.class);

    // KEYS: heartbeats, instances, since. Returns {now, then id, heartbeat, since, JSON for each instance}.
    private static final RedisScript<List> READ = RedisScript.of("""
            local clock = redis.call('TIME')
            local out = {tostring(tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000))}
            local beats = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
            for i = 1, #beats, 2 do
              local json = redis.call('HGET', KEYS[2], beats[i])
              if json then
                table.insert(out, beats[i])
                table.insert(out, beats[i + 1])
                table.insert(out, redis.call('HGET', KEYS[3], beats[i]) or beats[i + 1])
                table.insert(out, json)
              end
            end
            return out
            """, List.class);

    // KEYS: the services index. ARGV: how far back (ms). Returns the services heard from since then.
    private static final RedisScript<List> RECENT_SERVICES = RedisScript.of("""
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf')
            """, List.class);

    /** How long a silent entry outlives its TTL: readers that kept it through a failover find it still there. */
    static final Duration DELETE_AFTER_TTL = Duration.ofMinutes(1);

    private final ReactiveStringRedisTemplate redis;
    private final Duration ttl;
    private final Duration deleteAfter;

    public RedisInstanceRegistry(ReactiveStringRedisTemplate redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
        this.deleteAfter = ttl.plus(DELETE_AFTER_TTL);
    }

    public Duration ttl() {
        return ttl;
    }

    /** One heartbeat; emits true when the instance (re)joined, which is when readers are told. */
    public Mono<Boolean> heartbeat(InstanceRecord instance) {
        return RedisThreads.onWorker(() -> redis.execute(HEARTBEAT, keys(instance.service()), List.of(instance.id(), instance.toJson(),
                        String.valueOf(ttl.toMillis()), String.valueOf(deleteAfter.toMillis())))
                .next()
                .publishOn(Schedulers.boundedElastic()) // the next commands are not issued from Lettuce's event loop
                .flatMap(result -> {
                    boolean joined = number(result.get(0)) == 1;
                    long now = number(result.get(1));
                    Mono<Boolean> indexed = redis.opsForZSet().add(SERVICES, instance.service(), now)
                            .then(redis.expire(SERVICES, deleteAfter)).thenReturn(joined);
                    return joined ? indexed.flatMap(j -> announce(instance.service()).thenReturn(j)) : indexed;
                }));
    }

    /** Removes the instance and tells readers; emits whether it was registered. */
    public Mono<Boolean> deregister(String service, String id) {
        return RedisThreads.onWorker(() -> redis.execute(DEREGISTER, keys(service), List.of(id)).next()
                .publishOn(Schedulers.boundedElastic())
                .flatMap(removed -> announce(service).thenReturn(removed == 1)));
    }

    /** Every entry of the service, live or stale, with the Redis clock at the read. */
    public Mono<List<RegisteredInstance>> read(String service) {
        return RedisThreads.onWorker(() -> redis.execute(READ, keys(service), List.of()).next().map(RedisInstanceRegistry::parse));
    }

    /** The services with a heartbeat in the last TTL and minute. */
    public Mono<List<String>> services() {
        return RedisThreads.onWorker(() -> redis.execute(RECENT_SERVICES, List.of(SERVICES),
                        List.of(String.valueOf(deleteAfter.toMillis())))
                .next()
                .map(names -> names.stream().map(String::valueOf).sorted().toList()));
    }

    /** Every service heard from lately with all its entries, live or stale: for views, not for routing. */
    public Mono<Map<String, List<RegisteredInstance>>> all() {
        return services().flatMapMany(Flux::fromIterable)
                .concatMap(service -> read(service).map(instances -> Map.entry(service, instances)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
    }

    private Mono<Long> announce(String service) {
        return redis.convertAndSend(CHANNEL, service);
    }

    static List<String> keys(String service) {
        if (service.indexOf('{') >= 0 || service.indexOf('}') >= 0) {
            throw new IllegalArgumentException("A service name cannot hold braces: " + service);
        }
        String prefix = "sluice:registry:{" + service + "}:";
        return List.of(prefix + "heartbeats", prefix + "instances", prefix + "since");
    }

    private static List<RegisteredInstance> parse(List<?> result) {
        long now = number(result.get(0));
        List<RegisteredInstance> instances = new ArrayList<>();
        for (int i = 1; i + 3 < result.size(); i += 4) {
            InstanceRecord record = InstanceRecord.fromJson(String.valueOf(result.get(i + 3)));
            if (record != null) {
                instances.add(new RegisteredInstance(record, number(result.get(i + 2)), number(result.get(i + 1)), now));
            }
        }
        return instances;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : (long) Double.parseDouble(String.valueOf(value));
    }
}
