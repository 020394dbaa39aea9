package dev.sluice.gateway.observability;

import dev.sluice.traffic.address.ClientAddresses;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Per-route request and upstream metrics ({@code sluice.gateway.metrics.enabled}, on by default), W3C trace context
 * (always), and the JSON access log ({@code sluice.gateway.access-log.enabled}, off by default).
 */
@Configuration(proxyBeanMethods = false)
public class ObservabilityConfiguration {

    @Bean
    @ConditionalOnProperty(name = "sluice.gateway.metrics.enabled", matchIfMissing = true)
    GatewayMetricsFilter sluiceGatewayMetricsFilter(MeterRegistry meters) {
        return new GatewayMetricsFilter(meters);
    }

    @Bean
    @ConditionalOnProperty(name = "sluice.gateway.metrics.enabled", matchIfMissing = true)
    UpstreamTimingFilter sluiceUpstreamTimingFilter(MeterRegistry meters) {
        return new UpstreamTimingFilter(meters);
    }

    @Bean
    TraceContextFilter sluiceTraceContextFilter() {
        return new TraceContextFilter();
    }

    @Bean
    @ConditionalOnProperty(name = "sluice.gateway.access-log.enabled")
    AccessLogFilter sluiceAccessLogFilter(ClientAddresses clients) {
        return new AccessLogFilter(clients);
    }
}
