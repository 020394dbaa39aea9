package dev.sluice.gateway.bulkhead;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code bulkhead} policy. */
@Configuration(proxyBeanMethods = false)
public class BulkheadConfiguration {

    @Bean
    BulkheadGatewayFilterFactory sluiceBulkheadGatewayFilterFactory() {
        return new BulkheadGatewayFilterFactory();
    }
}
