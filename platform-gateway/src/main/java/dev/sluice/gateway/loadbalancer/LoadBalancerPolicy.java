package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.route.Violations;
import dev.sluice.traffic.loadbalancer.Balancing;

/**
 * How an {@code lb://} route picks an instance.
 *
 * @param strategy     {@code round-robin} (the default) or {@code weighted}
 * @param zoneAffinity keep traffic in the gateway's zone while it has healthy instances
 */
public record LoadBalancerPolicy(String strategy, Boolean zoneAffinity) {

    /** Route metadata key under which the compiler stores the route's {@link Balancing}. */
    public static final String METADATA = "sluice.loadBalancer";

    public void validate(Violations v) {
        if (strategy != null && !Balancing.isStrategy(strategy)) {
            v.add("strategy", "must be round-robin or weighted");
        }
    }

    /** What the shared load balancer follows; only for a validated policy. */
    public Balancing toBalancing() {
        return Balancing.of(strategy, Boolean.TRUE.equals(zoneAffinity));
    }
}
