package dev.sluice.starter.management;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Puts {@link ManagementAccessFilter} on the server the actuator runs on: the application's own when they share a
 * port, the management server's when {@code management.server.port} differs (a management context configuration is
 * loaded into whichever context serves the actuator).
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(FilterRegistrationBean.class)
@ConditionalOnBean(ManagementProperties.class)
public class ManagementAccessConfiguration {

    @Bean
    FilterRegistrationBean<ManagementAccessFilter> sluiceManagementAccessFilter(ManagementProperties properties,
            Environment environment) {
        String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
        ManagementAccessFilter filter = new ManagementAccessFilter(
                new BearerTokens("sluice.management.tokens", properties.tokens()), basePath);
        FilterRegistrationBean<ManagementAccessFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns(basePath.isEmpty() || basePath.equals("/") ? "/*" : basePath + "/*", basePath);
        // Before anything else reads the request, so that a refused caller costs nothing more.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
