package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.route.Violations;
/**
 * How an {@code lb://} route picks an instance.
 *
 * @param strategy     {@code round-robin} (the default) or {@code weighted}
 * @param zoneAffinity keep traffic in the gateway's zone while it has healthy instances
 */
public record LoadBalancerPolicy(String strategy, Boolean zoneAffinity) {

    public void validate(Violations v) {
        if (strategy != null && !strategy.equals("round-robin") && !strategy.equals("weighted")) {
            v.add("strategy", "must be round-robin or weighted");
        }
    }
}
