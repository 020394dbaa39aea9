package dev.sluice.gateway.admin;

import dev.sluice.starter.management.BearerTokens;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Bearer-token access to the management port. */
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
}
