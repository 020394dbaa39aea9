package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import dev.sluice.starter.registry.RegistryWatcher;
import dev.sluice.traffic.loadbalancer.Balancing;
import dev.sluice.traffic.loadbalancer.OutlierDetector;
import dev.sluice.traffic.loadbalancer.SluiceLoadBalancer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * The per-service load-balancer context Spring Cloud LoadBalancer creates for each {@code lb://} name. Deliberately
 * not a {@code @Configuration}: it must only be loaded into those child contexts, never scanned into the main one.
 */
public class SluiceLoadBalancerClientConfiguration {

    /**
     * The registry's discovery answers from memory and is kept fresh by pushes, so a cache in front of it would only
     * hide new and departed instances; other discovery clients (Kubernetes) are cached.
     */
    @Bean
    ServiceInstanceListSupplier discoveryInstances(ConfigurableApplicationContext context) {
        if (context.getBeanProvider(RegistryWatcher.class).getIfAvailable() != null) {
            return ServiceInstanceListSupplier.builder().withDiscoveryClient().build(context);
        }
        return ServiceInstanceListSupplier.builder().withDiscoveryClient().withCaching().build(context);
    }

    @Bean
    ReactorServiceInstanceLoadBalancer sluiceLoadBalancer(Environment environment,
            ObjectProvider<ServiceInstanceListSupplier> suppliers, OutlierDetector outliers,
            SluiceGatewayProperties properties) {
        String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
        return new SluiceLoadBalancer(serviceId, suppliers, outliers, properties.zone(),
                SluiceLoadBalancerClientConfiguration::routeBalancing);
    }

    /** The balancing the route being served asks for (compiled into its metadata); round-robin when it sets none. */
    static Balancing routeBalancing(Request<?> request) {
        if (request.getContext() instanceof RequestDataContext context && context.getClientRequest() != null
                && context.getClientRequest().getAttributes() != null
                && context.getClientRequest().getAttributes().get(GATEWAY_ROUTE_ATTR) instanceof Route route
                && route.getMetadata().get(LoadBalancerPolicy.METADATA) instanceof Balancing balancing) {
            return balancing;
        }
        return Balancing.ROUND_ROBIN;
    }
}
