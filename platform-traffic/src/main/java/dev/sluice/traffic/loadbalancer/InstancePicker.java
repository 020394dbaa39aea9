package dev.sluice.traffic.loadbalancer;

import org.springframework.cloud.client.ServiceInstance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks one instance of one service: ejected outliers are skipped (all of them are tried when every one is
 * ejected); with zone affinity, instances in the caller's zone are preferred while any is available; then
 * round-robin, or weighted by the {@code weight} instance metadata. The gateway reaches it through
 * {@link SluiceLoadBalancer}, service clients directly.
 */
public final class InstancePicker {

    private final String serviceId;
    private final OutlierDetector outliers;
    private final String zone;
    private final AtomicInteger position = new AtomicInteger(ThreadLocalRandom.current().nextInt(1000));

    /** @param zone the caller's zone, or null */
    public InstancePicker(String serviceId, OutlierDetector outliers, String zone) {
        this.serviceId = serviceId;
        this.outliers = outliers;
        this.zone = zone;
    }

    /**
     * @param policy null for round-robin without zone affinity
     * @return null when there is no instance
     */
    public ServiceInstance pick(List<ServiceInstance> instances, Balancing policy) {
        if (instances.isEmpty()) {
            return null;
        }
        List<ServiceInstance> candidates = outliers.available(serviceId, instances);
        if (candidates.isEmpty()) {
            candidates = instances; // everything is ejected: better to try than to refuse
        }
        if (policy != null && policy.zoneAffinity() && zone != null) {
            List<ServiceInstance> local = candidates.stream().filter(i -> zone.equals(i.getMetadata().get("zone"))).toList();
            if (!local.isEmpty()) {
                candidates = local;
            }
        }
        boolean weighted = policy != null && policy.weighted();
        return weighted ? weighted(candidates) : roundRobin(candidates);
    }

    private ServiceInstance roundRobin(List<ServiceInstance> candidates) {
        int next = position.getAndIncrement() & Integer.MAX_VALUE;
        return candidates.get(next % candidates.size());
    }

    private static ServiceInstance weighted(List<ServiceInstance> candidates) {
        int total = 0;
        for (ServiceInstance instance : candidates) {
            total += weightOf(instance);
        }
        int roll = ThreadLocalRandom.current().nextInt(total);
        for (ServiceInstance instance : candidates) {
            roll -= weightOf(instance);
            if (roll < 0) {
                return instance;
            }
        }
        return candidates.get(candidates.size() - 1);
    }

    /** The {@code weight} metadata, 1 to 1000; 1 when absent or malformed. */
    static int weightOf(ServiceInstance instance) {
        try {
            return Math.max(1, Math.min(1000, Integer.parseInt(instance.getMetadata().getOrDefault("weight", "1").trim())));
        }
        catch (NumberFormatException e) {
            return 1;
        }
    }
}
