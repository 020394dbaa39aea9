package dev.sluice.gateway.stamp;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the policy: the gateway's component scan finds this class, so nothing outside the package names it. */
@Configuration(proxyBeanMethods = false)
public class StampConfiguration {

    @Bean
    StampGatewayFilterFactory stampGatewayFilterFactory() {
        return new StampGatewayFilterFactory();
    }
}
