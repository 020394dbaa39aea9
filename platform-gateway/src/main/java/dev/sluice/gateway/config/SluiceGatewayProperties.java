package dev.sluice.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;

/**
 * Gateway-wide settings under {@code sluice.gateway}. The routes themselves ({@code sluice.gateway.routes}) are
 * read by {@link dev.sluice.gateway.route.EnvironmentRoutes}, as route documents.
 *
 * @param defaultTimeout time to an upstream's response headers for routes that set no {@code timeout}
 * @param maxBodySize    the largest request body the gateway buffers (for validation or retries); 413 beyond
 * @param retryStaleConnections send a request again when it failed on a stale pooled connection (see
 *                       {@link dev.sluice.gateway.retry.StaleConnectionRetryFilter})
 * @param trustedProxies addresses or CIDR blocks whose {@code X-Forwarded-For} is believed
 * @param nodeId         this node's name in the cluster; a random one when absent
 * @param zone           this node's zone (site), for {@code loadBalancer.zoneAffinity}; instances carry theirs in
 *                       the {@code zone} metadata
 * @param cacheStaleFor  how long past freshness cached answers are kept for {@code fallback.stale}
 * @param rateLimit      the cluster-wide limiter's own settings
 * @param outliers       passive outlier detection for {@code lb://} services
 * @param allowedInternalUpstreams hosts that upstream URIs may name although they are link-local or cloud metadata
 *                       addresses (the SSRF guard refuses those otherwise)
 * @param store          where the route config lives once the Admin API manages it
 */
@ConfigurationProperties("sluice.gateway")
public record SluiceGatewayProperties(
        @DefaultValue("30s") Duration defaultTimeout,
        @DefaultValue("10MB") DataSize maxBodySize,
        @DefaultValue("true") boolean retryStaleConnections,
        @DefaultValue List<String> trustedProxies,
        String nodeId,
        String zone,
        @DefaultValue("1h") Duration cacheStaleFor,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue Outliers outliers,
        @DefaultValue List<String> allowedInternalUpstreams,
        @DefaultValue Store store) {

    /**
     * @param redisTimeout   the budget of one Redis call; past it the request is decided locally
     * @param breakerOpenFor how long Redis is left alone after its breaker opens
     * @param heartbeat      how often nodes announce themselves, which is how nodes count each other
     * @param expectedNodes  the node count to assume until Redis has been reached once
     */
    public record RateLimit(
            @DefaultValue("50ms") Duration redisTimeout,
            @DefaultValue("2s") Duration breakerOpenFor,
            @DefaultValue("1s") Duration heartbeat,
            @DefaultValue("1") int expectedNodes) {
    }

    /**
     * @param consecutiveFailures failures in a row (errors or 5xx) that eject an instance
     * @param baseEjection        the first ejection's length; the n-th lasts n times as long
     * @param maxEjection         the longest ejection
     * @param maxEjectionPercent  the largest share of a service's instances ejected at once
     */
    public record Outliers(
            @DefaultValue("5") int consecutiveFailures,
            @DefaultValue("30s") Duration baseEjection,
            @DefaultValue("5m") Duration maxEjection,
            @DefaultValue("50") int maxEjectionPercent) {
    }

    /**
     * @param enabled           keep the routes in the Redis Cluster, versioned, managed by the Admin API; when off,
     *                          the YAML routes are all there is
     * @param timeout           the budget of one store call; an Admin API write answers 503 past it
     * @param push              learn of new revisions by Redis pub/sub; off, nodes rely on the periodic check alone
     * @param reconcileInterval how often each node checks it has the head revision, besides the pub/sub push
     * @param history           how many revisions are kept (at least 100)
     * @param stateFile         where this node keeps its last applied revision, to serve when it restarts while
     *                          Redis is away; none when unset and {@code node-id} is unset too, otherwise
     *                          {@code ${java.io.tmpdir}/sluice-gateway/<node-id>.json}
     */
    public record Store(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("2s") Duration timeout,
            @DefaultValue("true") boolean push,
            @DefaultValue("2s") Duration reconcileInterval,
            @DefaultValue("100") int history,
            java.nio.file.Path stateFile) {
    }
}
