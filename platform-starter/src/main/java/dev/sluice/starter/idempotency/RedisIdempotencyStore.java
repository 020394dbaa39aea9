package dev.sluice.starter.idempotency;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Idempotency records in Redis, one hash per key. Claiming a key is one Lua script on one key, so it is atomic on a
 * Redis Cluster: of two concurrent requests with the same key, exactly one is {@link Claim.Started}.
 */
public class RedisIdempotencyStore {

    private static final RedisScript<List> CLAIM = RedisScript.of("""
            local existing = redis.call('HGETALL', KEYS[1])
            if #existing > 0 then return existing end
            redis.call('HSET', KEYS[1], 'state', 'in_progress', 'fingerprint', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return {}
            """, List.class);

    private static final RedisScript<Long> COMPLETE = RedisScript.of("""
            if redis.call('HGET', KEYS[1], 'fingerprint') ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], 'state', 'done', 'status', ARGV[2], 'contentType', ARGV[3], 'body', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final String namespace;
    private final Duration ttl;
    private final Duration lease;

    /** @param namespace keeps services sharing one cluster apart, usually the application name */
    public RedisIdempotencyStore(StringRedisTemplate redis, String namespace, Duration ttl, Duration lease) {
        this.redis = redis;
        this.namespace = namespace;
        this.ttl = ttl;
        this.lease = lease;
    }

    /** What claiming a key found. */
    public sealed interface Claim {

        /** The key was free: this request runs, and must {@link #complete} or {@link #release} it. */
        record Started() implements Claim {
        }

        /** The same request already ran: answer with what it answered. */
        record Replay(StoredResponse response) implements Claim {
        }

        /** The same request is running now. */
        record InProgress() implements Claim {
        }

        /** The key was used for a different request. */
        record Mismatch() implements Claim {
        }
    }

    /** An answer kept for replay. */
    public record StoredResponse(int status, String contentType, byte[] body) {
    }

    public Claim claim(String key, String fingerprint) {
        @SuppressWarnings("unchecked")
        List<String> found = redis.execute(CLAIM, List.of(redisKey(key)), fingerprint, Long.toString(lease.toMillis()));
        if (found == null || found.isEmpty()) {
            return new Claim.Started();
        }
        Map<String, String> record = new HashMap<>();
        for (int i = 0; i + 1 < found.size(); i += 2) {
            record.put(found.get(i), found.get(i + 1));
        }
        if (!fingerprint.equals(record.get("fingerprint"))) {
            return new Claim.Mismatch();
        }
        if (!"done".equals(record.get("state"))) {
            return new Claim.InProgress();
        }
        return new Claim.Replay(new StoredResponse(Integer.parseInt(record.get("status")), record.get("contentType"),
                Base64.getDecoder().decode(record.get("body"))));
    }

    public void complete(String key, String fingerprint, StoredResponse response) {
        redis.execute(COMPLETE, List.of(redisKey(key)), fingerprint, Integer.toString(response.status()),
                response.contentType() == null ? "" : response.contentType(),
                Base64.getEncoder().encodeToString(response.body()), Long.toString(ttl.toMillis()));
    }

    /** Frees the key so the client may retry: the request failed in a way that did not decide anything. */
    public void release(String key) {
        redis.delete(redisKey(key));
    }

    private String redisKey(String key) {
        return "sluice:idempotency:" + namespace + ":" + key;
    }
}
