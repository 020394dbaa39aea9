package dev.sluice.starter.registry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.Map;

/**
 * The instance registry in the Redis Cluster: discovery off Kubernetes.
 *
 * @param enabled   whether the registry is used; unset, it is on everywhere but on Kubernetes, where Spring Cloud
 *                  Kubernetes discovery takes its place
 * @param register  whether this application registers itself; a gateway only reads the registry
 * @param host      the address other instances reach this one on; unset, {@code server.address} when set, else the
 *                  first non-loopback address Spring Cloud's {@code InetUtils} finds
 * @param port      the port to announce; unset, the port the web server listens on
 * @param metadata  published with the instance, for example {@code weight} for the weighted load balancer; the zone
 *                  comes from {@code sluice.service.zone}
 * @param heartbeat how often the instance renews its entry
 * @param ttl       how long an entry lives without a heartbeat before discovery drops it; it must cover a Redis
 *                  failover plus one heartbeat, or instances blink out during a failover
 * @param refresh   how often a reader checks the services it uses, behind the push it gets on every change
 * @param drain     on a graceful stop, how long the instance keeps serving after deregistering, so that callers
 *                  see it gone before its server stops taking connections
 * @param timeout   the budget of one Redis call made by the registry
 */
@ConfigurationProperties("sluice.registry")
public record RegistryProperties(
        Boolean enabled,
        @DefaultValue("true") boolean register,
        String host,
        Integer port,
        @DefaultValue Map<String, String> metadata,
        @DefaultValue("2s") Duration heartbeat,
        @DefaultValue("10s") Duration ttl,
        @DefaultValue("2s") Duration refresh,
        @DefaultValue("2s") Duration drain,
        @DefaultValue("1s") Duration timeout) {

    public RegistryProperties {
        if (ttl.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("sluice.registry.ttl (" + ttl + ") must be at least two heartbeats ("
                    + heartbeat.multipliedBy(2) + "), or one late heartbeat drops a live instance");
        }
    }
}
