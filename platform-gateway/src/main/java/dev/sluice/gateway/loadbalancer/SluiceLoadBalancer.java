package dev.sluice.gateway.loadbalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * Picks an instance of one service for Spring Cloud LoadBalancer, following the route's {@code loadBalancer}
 * policy: ejected outliers are skipped; with {@code zoneAffinity}, instances in the gateway's zone are preferred
 * while any is available, and the others take over when none is; then round-robin, or {@code weighted} by the
 * {@code weight} instance metadata.
 */
public class SluiceLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    /** Route metadata key under which the compiler stores the route's {@link LoadBalancerPolicy}. */
    public static final String POLICY_METADATA = "sluice.loadBalancer";

    private final String serviceId;
    private final ObjectProvider<ServiceInstanceListSupplier> suppliers;
    private final OutlierDetector outliers;
    private final String zone;
    private final AtomicInteger position = new AtomicInteger(ThreadLocalRandom.current().nextInt(1000));

    public SluiceLoadBalancer(String serviceId, ObjectProvider<ServiceInstanceListSupplier> suppliers,
            OutlierDetector outliers, String zone) {
        this.serviceId = serviceId;
        this.suppliers = suppliers;
        this.outliers = outliers;
        this.zone = zone;
    }

    @Override
    public Mono<Response<ServiceInstance>> choose(Request request) {
        ServiceInstanceListSupplier supplier = suppliers.getIfAvailable(NoopServiceInstanceListSupplier::new);
        LoadBalancerPolicy policy = policyOf(request);
        return supplier.get(request).next().map(instances -> pick(instances, policy));
    }

    Response<ServiceInstance> pick(List<ServiceInstance> instances, LoadBalancerPolicy policy) {
        if (instances.isEmpty()) {
            return new EmptyResponse();
        }
        List<ServiceInstance> candidates = outliers.available(serviceId, instances);
        if (candidates.isEmpty()) {
            candidates = instances; // everything is ejected: better to try than to refuse
        }
        if (policy != null && Boolean.TRUE.equals(policy.zoneAffinity()) && zone != null) {
            List<ServiceInstance> local = candidates.stream().filter(i -> zone.equals(i.getMetadata().get("zone"))).toList();
            if (!local.isEmpty()) {
                candidates = local;
            }
        }
        boolean weighted = policy != null && "weighted".equals(policy.strategy());
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

    private static LoadBalancerPolicy policyOf(Request<?> request) {
        if (request.getContext() instanceof RequestDataContext context && context.getClientRequest() != null
                && context.getClientRequest().getAttributes() != null
                && context.getClientRequest().getAttributes().get(GATEWAY_ROUTE_ATTR) instanceof Route route) {
            return route.getMetadata().get(POLICY_METADATA) instanceof LoadBalancerPolicy policy ? policy : null;
        }
        return null;
    }
}
