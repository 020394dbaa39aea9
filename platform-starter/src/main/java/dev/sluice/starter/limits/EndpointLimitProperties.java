package dev.sluice.starter.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * Limits a service puts on its own endpoints: a rate shared by every instance of the service through the Redis
 * Cluster, and a number of requests in progress per instance.
 *
 * @param enabled        whether endpoint limits are enforced at all
 * @param endpoints      the limited endpoints; a handler method can also carry {@link EndpointLimit}
 * @param redisTimeout   the budget of one Redis call; past it the request is decided by this instance's local bucket
 * @param breakerOpenFor how long Redis is left alone after its breaker opens
 * @param heartbeat      how often instances announce themselves, which is how they count each other for the local
 *                       bucket's share
 * @param trustedProxies proxies (addresses or CIDR blocks) whose {@code X-Forwarded-For} is believed for the
 *                       {@code ip} key; empty, the connection's peer is the client
 */
@ConfigurationProperties("sluice.limits")
public record EndpointLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue List<Endpoint> endpoints,
        @DefaultValue("50ms") Duration redisTimeout,
        @DefaultValue("2s") Duration breakerOpenFor,
        @DefaultValue("1s") Duration heartbeat,
        @DefaultValue List<String> trustedProxies) {

    /**
     * One limited endpoint. Give it a rate, a concurrency, or both.
     *
     * @param id          names the limit in metrics, problem details and Redis keys; {@code METHODS path} when absent
     * @param path        a path pattern, for example {@code /api/orders/**}
     * @param methods     the HTTP methods limited; every method when empty
     * @param rate        requests admitted per {@code period}, across all instances of the service
     * @param burst       the bucket's size: how many requests may come at once after a quiet spell; {@code rate}
     *                    when absent
     * @param period      the period {@code rate} is counted over
     * @param key         whom the rate is counted for: {@code ip}, {@code header:NAME}, {@code principal} or
     *                    {@code endpoint} (one bucket for everyone)
     * @param concurrency requests in progress at once on this instance; more are refused with 503
     */
    public record Endpoint(
            String id,
            String path,
            @DefaultValue List<String> methods,
            Integer rate,
            Integer burst,
            @DefaultValue("1s") Duration period,
            @DefaultValue("ip") String key,
            Integer concurrency) {
    }
}
