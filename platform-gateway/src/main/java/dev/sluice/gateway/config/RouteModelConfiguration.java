package dev.sluice.gateway.config;

import dev.sluice.gateway.route.EnvironmentRoutes;
import dev.sluice.gateway.route.RouteCompiler;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.RouteTable;
import dev.sluice.gateway.route.UpstreamGuard;
import dev.sluice.gateway.sync.AppliedConfig;
import dev.sluice.gateway.sync.ConfigHealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.cloud.gateway.handler.predicate.HostRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.PathRoutePredicateFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

import java.time.Instant;
import java.util.List;

/**
 * The route table, compiled from {@code sluice.gateway.routes} at startup; an invalid route stops the start. With the
 * config store on (the default), the store's head revision replaces these routes before the server listens.
 */
@Configuration(proxyBeanMethods = false)
public class RouteModelConfiguration {

    /** The route document's shape: every {@link RoutePolicy} bean, each defined in its own policy package. */
    @Bean
    RouteModel routeModel(List<RoutePolicy<?>> policies) {
        return new RouteModel(policies);
    }

    @Bean
    RouteCompiler routeCompiler(PathRoutePredicateFactory paths, HostRoutePredicateFactory hosts, RouteModel model,
            SluiceGatewayProperties properties) {
        return new RouteCompiler(paths, hosts, model, new UpstreamGuard(properties.allowedInternalUpstreams()),
                properties.defaultTimeout());
    }

    @Bean
    RouteTable routeTable(RouteCompiler compiler, RouteModel model, ApplicationEventPublisher events,
            ConfigurableEnvironment environment) {
        return new RouteTable(compiler, events, EnvironmentRoutes.read(environment, model));
    }

    /** Without the store, {@code gatewayConfig} health still answers (the {@code config} health group needs it). */
    @Bean
    @ConditionalOnBooleanProperty(name = "sluice.gateway.store.enabled", havingValue = false)
    ConfigHealthIndicator gatewayConfigHealthIndicator() {
        AppliedConfig yaml = new AppliedConfig(0, null, Instant.now(), "yaml", false, null);
        return new ConfigHealthIndicator(() -> yaml);
    }
}
