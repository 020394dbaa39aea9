package dev.sluice.gateway.config;

import dev.sluice.gateway.problem.DecodeFailureProblems;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * The management port's server (a child context) is created without the application's Netty customizers, so the
 * problem+json answers to undecodable requests are added to it here too.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class ManagementServerConfiguration {

    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> managementDecodeFailureProblems() {
        return factory -> factory.addServerCustomizers(DecodeFailureProblems.customizer());
    }
}
