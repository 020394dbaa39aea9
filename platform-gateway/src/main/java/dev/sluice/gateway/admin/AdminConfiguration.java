package dev.sluice.gateway.admin;

import dev.sluice.starter.management.BearerTokens;

import dev.sluice.gateway.config.SluiceGatewayProperties;
import dev.sluice.gateway.route.RouteCompiler;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.store.ConfigStore;
import dev.sluice.gateway.sync.ConfigSync;
import dev.sluice.traffic.cluster.ClusterMembers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Bearer-token access to the management port, and what the Admin API writes with. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
public class AdminConfiguration {

    @Bean
    BearerTokens adminTokens(AdminProperties properties) {
        return new BearerTokens("sluice.gateway.admin.tokens", properties.tokens());
    }

    @Bean
    ManagementAccessFilter managementAccessFilter(BearerTokens tokens, ObjectProvider<AuditLog> audit) {
        return new ManagementAccessFilter(tokens, audit::getIfAvailable);
    }

    /** Writes through the Admin API and the audit trail, which need the config store. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "sluice.gateway.store.enabled", matchIfMissing = true)
    static class StoreBacked {

        @Bean
        ConfigWriter configWriter(ConfigStore store, ConfigSync sync, RouteCompiler compiler, RouteModel model,
                SluiceGatewayProperties properties) {
            return new ConfigWriter(store, sync, compiler, model, properties.store().timeout());
        }

        @Bean
        AuditLog auditLog(ReactiveStringRedisTemplate redis, ClusterMembers nodes, AdminProperties admin,
                SluiceGatewayProperties properties) {
            return new AuditLog(redis, nodes.nodeId(), admin.auditEntries(), properties.store().timeout());
        }
    }
}
