package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.pipeline.FilterOrder;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import org.springframework.cloud.gateway.filter.GatewayFilter;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * {@code loadBalancer}: how an {@code lb://} route picks an instance. No filter of its own: the route carries its
 * {@link dev.sluice.traffic.loadbalancer.Balancing} as metadata, which the shared load balancer reads when Spring
 * Cloud Gateway's load-balancer filter asks it for an instance, so that is where it acts.
 */
public class LoadBalancerRoutePolicy implements RoutePolicy<LoadBalancerPolicy> {

    @Override
    public String field() {
        return "loadBalancer";
    }

    @Override
    public Type specType() {
        return LoadBalancerPolicy.class;
    }

    @Override
    public int order() {
        return FilterOrder.LOAD_BALANCER;
    }

    @Override
    public void validate(LoadBalancerPolicy spec, Violations v) {
        spec.validate(v);
    }

    @Override
    public void metadata(LoadBalancerPolicy spec, Map<String, Object> metadata) {
        metadata.put(LoadBalancerPolicy.METADATA, spec.toBalancing());
    }

    @Override
    public GatewayFilter apply(RouteDocument route, LoadBalancerPolicy spec, Violations violations) {
        return null;
    }
}
