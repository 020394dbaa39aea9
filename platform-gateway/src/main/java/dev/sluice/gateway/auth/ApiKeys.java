package dev.sluice.gateway.auth;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The API keys, in the Redis Cluster: a key's SHA-256 maps to its record, and its id to its hash, in two hashes
 * that share a hash slot so that making and revoking a key are atomic (one script each). A key is 256 random bits,
 * so a plain SHA-256 of it cannot be searched backwards; the key itself is never stored. The Admin API's calls block
 * up to {@code timeout} (on its own threads); the request path's lookup is reactive.
 */
public class ApiKeys {

    static final String BY_HASH = "sluice:{apikeys}:by-hash";
    static final String BY_ID = "sluice:{apikeys}:by-id";

    // KEYS: by-hash, by-id. ARGV: hash, id, record JSON.
    private static final RedisScript<Long> CREATE = RedisScript.of("""
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
            return 1
            """, Long.class);
    // KEYS: by-hash, by-id. ARGV: id. Returns 1 when the key existed.
    private static final RedisScript<Long> REVOKE = RedisScript.of("""
            local hash = redis.call('HGET', KEYS[2], ARGV[1])
            if not hash then return 0 end
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[1], hash)
            return 1
            """, Long.class);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A key just made: the record, and the key, which nothing shows again. */
    public record Created(ApiKey record, String key) {
    }

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;

    public ApiKeys(ReactiveStringRedisTemplate redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    public Created create(String name, List<String> scopes, Instant expiresAt) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = "sk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = "key_" + HexFormat.of().formatHex(random(8));
        ApiKey record = new ApiKey(id, name, List.copyOf(scopes), Instant.now().truncatedTo(ChronoUnit.SECONDS), expiresAt);
        block(redis.execute(CREATE, List.of(BY_HASH, BY_ID), List.of(hash(key), id, JSON.writeValueAsString(record)))
                .next());
        return new Created(record, key);
    }

    /** Every key's record, oldest first. */
    public List<ApiKey> list() {
        List<String> records = block(redis.<String, String>opsForHash().values(BY_HASH).collectList());
        return records == null ? List.of() : records.stream().map(json -> JSON.readValue(json, ApiKey.class))
                .sorted(java.util.Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id)).toList();
    }

    /** @return whether the key existed */
    public boolean revoke(String id) {
        Long removed = block(redis.execute(REVOKE, List.of(BY_HASH, BY_ID), List.of(id)).next());
        return removed != null && removed == 1;
    }

    /** The record of the key with this hash; empty when there is none. Errors when Redis does not answer in time. */
    Mono<Optional<ApiKey>> find(String hash) {
        return redis.<String, String>opsForHash().get(BY_HASH, hash)
                .map(json -> Optional.of(JSON.readValue(json, ApiKey.class)))
                .defaultIfEmpty(Optional.empty())
                .timeout(timeout);
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }

    private <T> T block(Mono<T> call) {
        try {
            return call.timeout(timeout).block();
        }
        catch (RuntimeException e) {
            throw new ApiKeysUnavailableException("The API key store (Redis) did not answer: " + e.getMessage(), e);
        }
    }

    /** Redis did not answer within the budget; nothing is known to have been written. */
    public static class ApiKeysUnavailableException extends RuntimeException {
        public ApiKeysUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
