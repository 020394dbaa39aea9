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

import java.util.function.Function;

/**
 * {@link InstancePicker} under Spring Cloud LoadBalancer, for the gateway's {@code lb://} routes: the instances come
 * from the per-service supplier (discovery, cached), the caller says which {@link Balancing} a request gets.
 */
public class SluiceLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    private final ObjectProvider<ServiceInstanceListSupplier> suppliers;
    private final InstancePicker picker;
    private final Function<Request<?>, Balancing> policies;

    /**
     * @param zone     the caller's zone, or null
     * @param policies the balancing a request asks for (the gateway reads it from the route)
     */
    public SluiceLoadBalancer(String serviceId, ObjectProvider<ServiceInstanceListSupplier> suppliers,
            OutlierDetector outliers, String zone, Function<Request<?>, Balancing> policies) {
        this.suppliers = suppliers;
        this.picker = new InstancePicker(serviceId, outliers, zone);
        this.policies = policies;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Mono<Response<ServiceInstance>> choose(Request request) {
        ServiceInstanceListSupplier supplier = suppliers.getIfAvailable(NoopServiceInstanceListSupplier::new);
        Balancing policy = policies.apply(request);
        return supplier.get(request).next().map(instances -> {
            ServiceInstance chosen = picker.pick(instances, policy);
            return chosen == null ? new EmptyResponse() : new DefaultResponse(chosen);
        });
    }
}
