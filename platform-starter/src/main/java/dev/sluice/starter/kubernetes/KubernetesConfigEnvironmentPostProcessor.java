package dev.sluice.starter.kubernetes;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * On Kubernetes only (detected from the pod's environment, or {@code spring.main.cloud-platform}), the platform's
 * defaults for Spring Cloud Kubernetes, added last so that any property overrides them:
 * <ul>
 * <li>configuration from the ConfigMap and the Secret named after the service, in its namespace, both optional;</li>
 * <li>read by name (a {@code get} of each), so the service's Role grants {@code get} on those two and nothing
 * wider, rather than {@code list} on every Secret of the namespace;</li>
 * <li>reloaded when they change, by polling them with the same {@code get}s every 15 s: log levels and the
 * properties read from the {@code Environment} at use change in place, {@code @ConfigurationProperties} beans that
 * are JavaBeans are rebound; records and what was built at start keep their values until a restart;</li>
 * <li>load balancers that cache a service's endpoints for 5 s, not Spring Cloud LoadBalancer's 35: a pod that
 * joins gets traffic, and one that went stops getting it, within that (a list of endpoints per service every 5 s
 * is little for the API server).</li>
 * </ul>
 * It runs before configuration data is loaded, so that its {@code spring.config.import} is seen.
 */
public class KubernetesConfigEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    public static final String PROPERTY_SOURCE_NAME = "sluiceKubernetesDefaults";

    static final Map<String, Object> DEFAULTS = Map.ofEntries(
            Map.entry("spring.config.import", "optional:kubernetes:"),
            Map.entry("spring.cloud.kubernetes.config.read-type", "SINGLE"),
            Map.entry("spring.cloud.kubernetes.secrets.enabled", "true"),
            Map.entry("spring.cloud.kubernetes.secrets.read-type", "SINGLE"),
            Map.entry("spring.cloud.kubernetes.reload.enabled", "true"),
            Map.entry("spring.cloud.kubernetes.reload.mode", "polling"),
            Map.entry("spring.cloud.kubernetes.reload.period", "15s"),
            Map.entry("spring.cloud.kubernetes.reload.monitoring-secrets", "true"),
            Map.entry("spring.cloud.loadbalancer.cache.ttl", "5s"));

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (CloudPlatform.getActive(environment) == CloudPlatform.KUBERNETES) {
            environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, DEFAULTS));
        }
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER - 1;
    }
}
