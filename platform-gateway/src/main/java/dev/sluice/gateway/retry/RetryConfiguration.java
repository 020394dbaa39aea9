package dev.sluice.gateway.retry;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code retry} policy, and the gateway-wide resend of requests that met a stale pooled connection. */
@Configuration(proxyBeanMethods = false)
public class RetryConfiguration {

    @Bean
    RetryGatewayFilterFactory sluiceRetryGatewayFilterFactory(MeterRegistry meters, SluiceGatewayProperties properties) {
        return new RetryGatewayFilterFactory(meters, properties.maxBodySize().toBytes());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "sluice.gateway.retry-stale-connections", matchIfMissing = true)
    StaleConnectionRetryFilter sluiceStaleConnectionRetryFilter(MeterRegistry meters) {
        return new StaleConnectionRetryFilter(meters);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "sluice.gateway.retry-stale-connections", matchIfMissing = true)
    ConnectionReuse sluiceConnectionReuse() {
        return new ConnectionReuse();
    }
}
