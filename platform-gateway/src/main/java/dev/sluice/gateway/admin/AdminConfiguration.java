package dev.sluice.gateway.admin;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Bearer-token access to the management port. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
public class AdminConfiguration {

    @Bean
    AdminTokens adminTokens(AdminProperties properties) {
        return new AdminTokens(properties.tokens());
    }

    @Bean
    ManagementAccessFilter managementAccessFilter(AdminTokens tokens, ObjectProvider<AuditLog> audit) {
        return new ManagementAccessFilter(tokens, audit::getIfAvailable);
    }
}
