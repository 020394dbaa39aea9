package dev.sluice.gateway.auth;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import java.time.Duration;

/**
 * The {@code auth} policy: its own client for JWKS fetches (3 s each at most), and the API keys in the Redis
 * Cluster, looked up within the store's timeout, held 5 s, and trusted for 60 s past that while Redis is away.
 */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

    @Bean
    ApiKeys apiKeys(ReactiveStringRedisTemplate redis, SluiceGatewayProperties properties) {
        return new ApiKeys(redis, properties.store().timeout());
    }

    @Bean
    ApiKeyLookups apiKeyLookups(ApiKeys keys) {
        return new ApiKeyLookups(keys, Duration.ofSeconds(5), Duration.ofSeconds(60), 100_000, System::currentTimeMillis);
    }

    @Bean
    AuthGatewayFilterFactory sluiceAuthGatewayFilterFactory(ApiKeyLookups lookups, MeterRegistry meters) {
        return new AuthGatewayFilterFactory(WebClient.create(), Duration.ofSeconds(3), lookups, meters);
    }
}
