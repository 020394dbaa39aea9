package dev.sluice.gateway.transform;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code transform} policy. */
@Configuration(proxyBeanMethods = false)
public class TransformConfiguration {

    @Bean
    TransformGatewayFilterFactory sluiceTransformGatewayFilterFactory() {
        return new TransformGatewayFilterFactory();
    }
}
