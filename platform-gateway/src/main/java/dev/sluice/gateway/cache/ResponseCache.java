package dev.sluice.gateway.cache;

import dev.sluice.traffic.redis.GuardedRedis;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The response cache in the Redis Cluster, shared by every gateway node. One hash per route and URL holds the
 * {@code Vary} header names and one field per variant, so the common case (no {@code Vary}) is one round trip.
 * Calls go through {@link GuardedRedis}: with Redis away, lookups miss and stores are dropped, and requests go on
 * uncached.
 */
public class ResponseCache {

    private static final String VARY_FIELD = "vary";
    private static final RedisScript<Long> STORE = RedisScript.of("""
            redis.call('HSET', KEYS[1], 'vary', ARGV[1], ARGV[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
            return 1
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Duration staleFor;
    private final GuardedRedis guard;
    private final JsonMapper json = JsonMapper.builder().build();

    /** @param staleFor how long past freshness an entry is kept as a stale fallback */
    public ResponseCache(ReactiveStringRedisTemplate redis, Duration staleFor, GuardedRedis guard) {
        this.redis = redis;
        this.staleFor = staleFor;
        this.guard = guard;
    }

    /** The entry for this request, fresh or not; empty when there is none or Redis cannot say in time. */
    public Mono<CachedResponse> lookup(String routeId, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        String key = key(routeId, exchange);
        return guard.call(() -> redis.<String, String>opsForHash().multiGet(key, List.of(VARY_FIELD, "v:"))
                .flatMap(values -> {
                    String vary = values.get(0);
                    if (vary == null) {
                        return Mono.empty();
                    }
                    if (vary.isEmpty()) {
                        return Mono.justOrEmpty(values.get(1));
                    }
                    List<String> names = List.of(vary.split(","));
                    return redis.<String, String>opsForHash().get(key, field(names, request.getHeaders()));
                }))
                .map(text -> json.readValue(text, CachedResponse.class))
                .filter(entry -> entry.variant().equals(variant(entry.vary(), request.getHeaders())));
    }

    /** Stores an entry; fire and forget, bounded by the budget. */
    public Mono<Void> store(String routeId, ServerWebExchange exchange, CachedResponse entry) {
        long keepMillis = Math.max(1, entry.freshUntil() - entry.storedAt()) + staleFor.toMillis();
        return guard.call(() -> redis.execute(STORE, List.of(key(routeId, exchange)), List.of(String.join(",", entry.vary()),
                field(entry.vary(), exchange.getRequest().getHeaders()), json.writeValueAsString(entry), String.valueOf(keepMillis)))
                .next()).then();
    }

    /**
     * Per route and URL (path and query) as the client sent it, before {@code stripPrefix}, so the breaker's stale
     * fallback finds what the cache filter stored. Hashed so that long URLs make short keys; hash-tagged to one slot.
     */
    static String key(String routeId, ServerWebExchange exchange) {
        Set<URI> originals = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
        URI uri = originals != null && !originals.isEmpty() ? originals.iterator().next() : exchange.getRequest().getURI();
        String url = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return "sluice:cache:{" + routeId + "|" + sha256(url) + "}";
    }

    static String field(List<String> vary, HttpHeaders headers) {
        return vary.isEmpty() ? "v:" : "v:" + sha256(variant(vary, headers));
    }

    static String variant(List<String> vary, HttpHeaders headers) {
        StringBuilder out = new StringBuilder();
        for (String name : vary) {
            out.append(name).append('=').append(String.join(",", headers.getValuesAsList(name))).append('\n');
        }
        return out.toString();
    }

    static List<String> varyOf(HttpHeaders response) {
        return response.getValuesAsList(HttpHeaders.VARY).stream()
                .map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).sorted().distinct().toList();
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
