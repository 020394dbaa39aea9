package dev.sluice.starter.identity;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/** Serves {@link ServiceIdentity} at {@code sluice.service.info-path}, so a caller can see which instance answered. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@EnableConfigurationProperties(ServiceIdentityProperties.class)
public class ServiceIdentityAutoConfiguration {

    @Bean
    @ConditionalOnProperty("sluice.service.info-path")
    RouterFunction<ServerResponse> sluiceServiceInfoRoute(ServiceIdentityProperties properties, Environment environment) {
        String service = environment.getProperty("spring.application.name", "application");
        return RouterFunctions.route().GET(properties.infoPath(), request -> {
            HttpServletRequest servlet = request.servletRequest();
            String instance = servlet.getLocalAddr() + ":" + servlet.getLocalPort();
            return ServerResponse.ok().body(new ServiceIdentity(service, instance, properties.zone()));
        }).build();
    }
}
