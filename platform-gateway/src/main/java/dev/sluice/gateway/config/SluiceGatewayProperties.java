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
 * @param trustedProxies addresses or CIDR blocks whose {@code X-Forwarded-For} is believed
 * @param nodeId         this node's name in the cluster; a random one when absent
 * @param rateLimit      the cluster-wide limiter's own settings
 */
@ConfigurationProperties("sluice.gateway")
public record SluiceGatewayProperties(
        @DefaultValue("30s") Duration defaultTimeout,
        @DefaultValue("10MB") DataSize maxBodySize,
        @DefaultValue List<String> trustedProxies,
        String nodeId,
        @DefaultValue RateLimit rateLimit) {

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
}
