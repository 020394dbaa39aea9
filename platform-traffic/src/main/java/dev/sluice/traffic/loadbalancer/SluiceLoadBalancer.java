package dev.sluice.traffic.loadbalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Picks an instance of one service for Spring Cloud LoadBalancer, the same way for the gateway's {@code lb://}
 * routes and for service clients: ejected outliers are skipped; with zone affinity, instances in the caller's zone
 * are preferred while any is available, and the others take over when none is; then round-robin, or weighted by
 * the {@code weight} instance metadata. The caller says which {@link Balancing} a request gets.
 */
public class SluiceLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    private final String serviceId;
    private final ObjectProvider<ServiceInstanceListSupplier> suppliers;
    private final OutlierDetector outliers;
    private final String zone;
    private final Function<Request<?>, Balancing> policies;
    private final AtomicInteger position = new AtomicInteger(ThreadLocalRandom.current().nextInt(1000));

    /**
     * @param zone     the caller's zone, or null
     * @param policies the balancing a request asks for: the gateway reads its route, a client its settings
     */
    public SluiceLoadBalancer(String serviceId, ObjectProvider<ServiceInstanceListSupplier> suppliers,
            OutlierDetector outliers, String zone, Function<Request<?>, Balancing> policies) {
        this.serviceId = serviceId;
        this.suppliers = suppliers;
        this.outliers = outliers;
        this.zone = zone;
        this.policies = policies;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Mono<Response<ServiceInstance>> choose(Request request) {
        ServiceInstanceListSupplier supplier = suppliers.getIfAvailable(NoopServiceInstanceListSupplier::new);
        Balancing policy = policies.apply(request);
        return supplier.get(request).next().map(instances -> pick(instances, policy));
    }

    /** @param policy null for round-robin without zone affinity */
    public Response<ServiceInstance> pick(List<ServiceInstance> instances, Balancing policy) {
        if (instances.isEmpty()) {
            return new EmptyResponse();
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
        return new DefaultResponse(weighted ? weighted(candidates) : roundRobin(candidates));
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
