package dev.sluice.starter.cache;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Spring's cache abstraction on the Redis Cluster, for services that turn caching on ({@code @EnableCaching}).
 *
 * @param enabled          whether the starter provides the cache manager
 * @param ttl              how long an entry lives, unless its cache says otherwise
 * @param caches           per cache: its own TTL
 * @param timeout          the budget of one Redis call; past it a read is a miss and the method runs
 * @param breakerOpenFor   how long Redis is left alone after its breaker opens (a master down, a failover)
 * @param allowedPackages  packages whose classes may be read back from JSON (besides {@code java.lang},
 *                         {@code java.util}, {@code java.time} and {@code java.math}); empty: the application's own
 *                         packages. Nothing else is ever instantiated from a cached document.
 */
@ConfigurationProperties("sluice.cache")
public record CacheProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10m") Duration ttl,
        @DefaultValue Map<String, CacheSpec> caches,
        @DefaultValue("200ms") Duration timeout,
        @DefaultValue("5s") Duration breakerOpenFor,
        @DefaultValue List<String> allowedPackages) {

    /** @param ttl how long this cache's entries live */
    public record CacheSpec(Duration ttl) {
    }

    Duration ttlOf(String cache) {
        CacheSpec spec = caches.get(cache);
        return spec != null && spec.ttl() != null ? spec.ttl() : ttl;
    }
}
