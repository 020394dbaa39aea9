package dev.sluice.gateway.loadbalancer;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import dev.sluice.traffic.loadbalancer.OutlierDetector;
import dev.sluice.traffic.loadbalancer.OutlierLifecycle;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every {@code lb://} service is balanced by {@link dev.sluice.traffic.loadbalancer.SluiceLoadBalancer}, with passive outlier detection. */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = SluiceLoadBalancerClientConfiguration.class)
public class LoadBalancingConfiguration {

    @Bean
    OutlierDetector outlierDetector(SluiceGatewayProperties properties) {
        SluiceGatewayProperties.Outliers o = properties.outliers();
        return new OutlierDetector(o.consecutiveFailures(), o.baseEjection(), o.maxEjection(), o.maxEjectionPercent(),
                System::currentTimeMillis);
    }

    @Bean
    LoadBalancerRoutePolicy sluiceLoadBalancerRoutePolicy() {
        return new LoadBalancerRoutePolicy();
    }

    @Bean
    OutlierLifecycle outlierLifecycle(OutlierDetector outliers) {
        return new OutlierLifecycle(outliers);
    }
}
