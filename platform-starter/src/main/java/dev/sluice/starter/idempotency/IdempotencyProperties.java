package dev.sluice.starter.idempotency;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;

/**
 * Idempotent endpoints, backed by the Redis Cluster.
 *
 * @param endpoints the endpoints that require the key, as {@code METHOD /path/pattern}, for example {@code POST /api/orders}
 * @param header the request header carrying the key
 * @param ttl how long a completed answer is kept for replay
 * @param lease how long a request in progress holds its key; after a crash the key frees up once it passes
 * @param maxKeyLength the longest key accepted
 * @param maxBodySize the largest request body fingerprinted; larger requests are refused with 413
 */
@ConfigurationProperties("sluice.idempotency")
public record IdempotencyProperties(
        @DefaultValue List<String> endpoints,
        @DefaultValue("Idempotency-Key") String header,
        @DefaultValue("24h") Duration ttl,
        @DefaultValue("2m") Duration lease,
        @DefaultValue("255") int maxKeyLength,
        @DefaultValue("1MB") DataSize maxBodySize) {
}
