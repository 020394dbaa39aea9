package dev.sluice.starter.client;

import dev.sluice.traffic.loadbalancer.OutlierDetector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.registry.HttpServiceGroup;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

/**
 * Service-to-service clients from {@code sluice.clients}: {@code @HttpExchange} interfaces registered by name, each
 * with timeouts, retries within a budget, a breaker, a bulkhead, the gateway's load balancer for {@code lb://}, header
 * propagation and problem+json errors as {@link UpstreamProblemException}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration",
        "org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration"})
@ConditionalOnClass({RestClient.class, HttpServiceGroup.class, JsonMapper.class})
@Conditional(OnServiceClientsCondition.class)
@EnableConfigurationProperties(ClientProperties.class)
@Import(ServiceClientRegistrar.class)
public class ServiceClientAutoConfiguration {

    /** Passive ejection of instances that fail 5 times in a row, as the gateway does by default. */
    @Bean
    @ConditionalOnMissingBean
    OutlierDetector sluiceClientOutliers() {
        return new OutlierDetector(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 50, System::currentTimeMillis);
    }

    @Bean
    @ConditionalOnMissingBean
    ServiceClients sluiceServiceClients(ClientProperties properties, ObjectProvider<DiscoveryClient> discovery,
            OutlierDetector outliers, Environment environment, ObjectProvider<MeterRegistry> meters) {
        return new ServiceClients(properties, discovery.getIfAvailable(), outliers,
                environment.getProperty("sluice.service.zone", "default"), meters.getIfAvailable(() -> Metrics.globalRegistry));
    }

    @Bean
    ServiceClientGroups sluiceServiceClientGroups(ServiceClients clients) {
        return new ServiceClientGroups(clients);
    }

    @Bean
    static ClientFallbacks sluiceClientFallbacks() {
        return new ClientFallbacks();
    }

    /** Reactive services: WebClient groups, and the served request's headers for propagation. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass({WebClient.class, ReactorClientHttpConnector.class})
    static class ReactiveClientConfiguration {

        @Bean
        ReactiveServiceClientGroups sluiceReactiveServiceClientGroups(ServiceClients clients,
                ObjectProvider<ReactiveDiscoveryClient> discovery) {
            return new ReactiveServiceClientGroups(clients, discovery.getIfAvailable());
        }

        @Bean
        ServingRequestHeaders sluiceServingRequestHeaders() {
            return new ServingRequestHeaders();
        }
    }
}
