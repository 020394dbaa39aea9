package dev.sluice.gateway.auth;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import java.time.Duration;

/** The {@code auth} policy, with its own client for JWKS fetches (bounded by a 3 s timeout each). */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

    @Bean
    AuthGatewayFilterFactory sluiceAuthGatewayFilterFactory(MeterRegistry meters) {
        return new AuthGatewayFilterFactory(WebClient.create(), Duration.ofSeconds(3), meters);
    }
}
