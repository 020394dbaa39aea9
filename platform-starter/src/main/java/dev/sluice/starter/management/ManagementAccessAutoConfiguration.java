package dev.sluice.starter.management;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Binds {@code sluice.management.*} for {@link ManagementAccessConfiguration}, which the actuator loads into the
 * context that serves it. Servlet services only: the gateway guards its reactive management port itself.
 * {@code sluice.management.enabled=false} leaves the actuator to a service that secures it another way.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "sluice.management.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ManagementProperties.class)
public class ManagementAccessAutoConfiguration {
}
