package dev.sluice.gateway.validation;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/** The {@code validate} policy, with schemas read from the classpath, a file, or the route itself. */
@Configuration(proxyBeanMethods = false)
public class ValidationConfiguration {

    @Bean
    RequestValidationGatewayFilterFactory sluiceRequestValidationGatewayFilterFactory(ResourceLoader resources,
            SluiceGatewayProperties properties) {
        return new RequestValidationGatewayFilterFactory(new JsonSchemas(resources), properties.maxBodySize().toBytes());
    }
}
