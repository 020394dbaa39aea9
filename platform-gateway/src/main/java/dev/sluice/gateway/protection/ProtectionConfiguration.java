package dev.sluice.gateway.protection;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway-wide body limit, on every route. */
@Configuration(proxyBeanMethods = false)
public class ProtectionConfiguration {

    @Bean
    RequestSizeLimitFilter sluiceRequestSizeLimitFilter(SluiceGatewayProperties properties) {
        return new RequestSizeLimitFilter(properties.maxBodySize().toBytes());
    }
}
