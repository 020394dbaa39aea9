package dev.sluice.gateway.config;

import dev.sluice.gateway.problem.DecodeFailureProblems;
import dev.sluice.gateway.problem.GatewayErrorHandler;
import dev.sluice.traffic.address.ClientAddresses;
import dev.sluice.traffic.cluster.ClusterMembers;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.util.UUID;

/** What every policy shares: settings, the error handler, client addresses, breakers and the node registry. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SluiceGatewayProperties.class)
public class GatewayCoreConfiguration {

    @Bean
    GatewayErrorHandler gatewayErrorHandler() {
        return new GatewayErrorHandler();
    }

    /**
     * Answers what Netty cannot decode (414, 431, 400) as problem+json on the traffic port: see
     * {@link DecodeFailureProblems}. The management port gets its own in {@link ManagementServerConfiguration}.
     */
    @Bean
    NettyServerCustomizer decodeFailureProblems() {
        return DecodeFailureProblems.customizer();
    }

    @Bean
    ClientAddresses clientAddresses(SluiceGatewayProperties properties) {
        return new ClientAddresses(properties.trustedProxies());
    }

    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        // resilience4j_circuitbreaker_state{name=<route id>} and friends
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    ClusterMembers gatewayNodes(ReactiveStringRedisTemplate redis, SluiceGatewayProperties properties, Environment env) {
        String nodeId = properties.nodeId() != null ? properties.nodeId()
                : env.getProperty("spring.application.name", "gateway") + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new ClusterMembers(redis, "gateway", nodeId, properties.rateLimit().heartbeat(), properties.rateLimit().expectedNodes());
    }
}
