package dev.sluice.gateway.config;

import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.gateway.cluster.NodeDescription;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RouteTable;
import dev.sluice.gateway.store.ConfigStore;
import dev.sluice.gateway.store.LastAppliedFile;
import dev.sluice.gateway.sync.ConfigHealthIndicator;
import dev.sluice.gateway.sync.ConfigMetrics;
import dev.sluice.gateway.sync.ConfigSync;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.nio.file.Path;

/**
 * The routes as shared, versioned state: kept in the Redis Cluster, applied on every node, written through the Admin
 * API. With {@code sluice.gateway.store.enabled=false} the YAML routes are all there is.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "sluice.gateway.store.enabled", matchIfMissing = true)
public class ConfigStoreConfiguration {

    @Bean
    ConfigStore configStore(ReactiveStringRedisTemplate redis, SluiceGatewayProperties properties, RouteModel model) {
        return new ConfigStore(redis, properties.store().timeout(), properties.store().history(), model.mapper());
    }

    @Bean
    ConfigSync configSync(ConfigStore store, RouteTable table, ReactiveRedisConnectionFactory connections,
            SluiceGatewayProperties properties, RouteModel model) {
        return new ConfigSync(store, table, lastAppliedFile(properties, model), properties.store().push() ? connections : null,
                properties.store().reconcileInterval());
    }

    /** Where the node keeps its last applied revision: configured, or derived from a configured node id. */
    private static LastAppliedFile lastAppliedFile(SluiceGatewayProperties properties, RouteModel model) {
        Path file = properties.store().stateFile();
        if (file == null && properties.nodeId() != null) {
            file = Path.of(System.getProperty("java.io.tmpdir"), "sluice-gateway", properties.nodeId() + ".json");
        }
        return file == null ? null : new LastAppliedFile(file, model.mapper());
    }

    @Bean
    NodeDescription nodeDescription(ClusterMembers nodes, ConfigSync sync, SluiceGatewayProperties properties,
            Environment environment) {
        NodeDescription description = new NodeDescription(nodes, properties.zone(),
                NodeDescription.hostAddress(environment.getProperty("server.address")), sync::applied);
        nodes.describeWith(description::json);
        return description;
    }

    @Bean
    ConfigHealthIndicator gatewayConfigHealthIndicator(ConfigSync sync) {
        return new ConfigHealthIndicator(sync::applied);
    }

    @Bean
    ConfigMetrics gatewayConfigMetrics(ConfigSync sync) {
        return new ConfigMetrics(sync::applied);
    }
}
