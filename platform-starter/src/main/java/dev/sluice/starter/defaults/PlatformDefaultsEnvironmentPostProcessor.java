package dev.sluice.starter.defaults;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * The platform's defaults for every Sluice service, added last so that any application property overrides them:
 * <ul>
 * <li>liveness and readiness probes on, off Kubernetes too: the local launcher and orchestrators wait on them;</li>
 * <li>only {@code health} exposed over HTTP: actuator endpoints are closed unless a service opens them;</li>
 * <li>errors as RFC 9457 problem+json;</li>
 * <li>Redis Cluster clients that follow failovers (adaptive and periodic topology refresh) with short timeouts.</li>
 * </ul>
 */
public class PlatformDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    public static final String PROPERTY_SOURCE_NAME = "sluicePlatformDefaults";

    static final Map<String, Object> DEFAULTS = Map.of(
            "management.endpoint.health.probes.enabled", "true",
            "management.endpoints.web.exposure.include", "health",
            "spring.mvc.problemdetails.enabled", "true",
            "spring.webflux.problemdetails.enabled", "true",
            "spring.data.redis.timeout", "1s",
            "spring.data.redis.connect-timeout", "1s",
            "spring.data.redis.lettuce.cluster.refresh.adaptive", "true",
            "spring.data.redis.lettuce.cluster.refresh.period", "5s");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, DEFAULTS));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
