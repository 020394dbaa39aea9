package dev.sluice.traffic.loadbalancer;

/**
 * How one call picks among a service's instances: the gateway builds it from a route's {@code loadBalancer}, a
 * service client from {@code sluice.clients.NAME.load-balancer}.
 *
 * @param weighted     pick at random in proportion to the {@code weight} instance metadata; round-robin otherwise
 * @param zoneAffinity keep calls in the caller's zone while it has instances that are not ejected
 */
public record Balancing(boolean weighted, boolean zoneAffinity) {

    public static final Balancing ROUND_ROBIN = new Balancing(false, false);

    /** The strategy names users write: {@code round-robin} and {@code weighted}. */
    public static boolean isStrategy(String name) {
        return "round-robin".equals(name) || "weighted".equals(name);
    }

    /** @param strategy {@code round-robin}, {@code weighted}, or null for round-robin */
    public static Balancing of(String strategy, boolean zoneAffinity) {
        if (strategy != null && !isStrategy(strategy)) {
            throw new IllegalArgumentException("Unknown load-balancing strategy '" + strategy
                    + "': use round-robin or weighted");
        }
        return new Balancing("weighted".equals(strategy), zoneAffinity);
    }
}
