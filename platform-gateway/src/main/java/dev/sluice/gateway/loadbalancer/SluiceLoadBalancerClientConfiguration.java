package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The per-service load-balancer context Spring Cloud LoadBalancer creates for each {@code lb://} name. Deliberately
 * not a {@code @Configuration}: it must only be loaded into those child contexts, never scanned into the main one.
 */
public class SluiceLoadBalancerClientConfiguration {

    @Bean
    ServiceInstanceListSupplier discoveryInstances(ConfigurableApplicationContext context) {
        return ServiceInstanceListSupplier.builder().withDiscoveryClient().withCaching().build(context);
    }

    @Bean
    ReactorServiceInstanceLoadBalancer sluiceLoadBalancer(Environment environment,
            ObjectProvider<ServiceInstanceListSupplier> suppliers, OutlierDetector outliers,
            SluiceGatewayProperties properties) {
        String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
        return new SluiceLoadBalancer(serviceId, suppliers, outliers, properties.zone());
    }
}
