package dev.sluice.gateway.stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code stream} policy. */
@Configuration(proxyBeanMethods = false)
public class StreamConfiguration {

    @Bean
    StreamGatewayFilterFactory sluiceStreamGatewayFilterFactory(MeterRegistry meters) {
        return new StreamGatewayFilterFactory(meters);
    }
}
