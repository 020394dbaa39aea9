package dev.sluice.starter.registry;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /actuator/registry}: this instance's registration and every service in the registry with its instances,
 * their zone, age and silence. Closed like every actuator endpoint but health until a service exposes it.
 */
@Endpoint(id = "registry")
public class RegistryEndpoint {

    private final RedisInstanceRegistry registry;
    private final RegistryWatcher watcher;
    private final InstanceRegistration registration;
    private final Duration timeout;

    /** @param registration this instance's registration; null when it does not register */
    public RegistryEndpoint(RedisInstanceRegistry registry, RegistryWatcher watcher, InstanceRegistration registration,
            Duration timeout) {
        this.registry = registry;
        this.watcher = watcher;
        this.registration = registration;
        this.timeout = timeout;
    }

    @ReadOperation
    public Map<String, Object> registry() {
        Map<String, Object> view = new LinkedHashMap<>();
        if (registration != null && registration.self() != null) {
            view.put("self", Map.of("id", registration.self().id(), "registered", registration.registered()));
        }
        Map<String, List<RegisteredInstance>> services;
        try {
            services = registry.all().block(timeout);
            view.put("source", "redis");
        }
        catch (RuntimeException e) {
            services = watcher.known();
            view.put("source", "last known (Redis unreachable: " + e.getMessage() + ")");
        }
        view.put("services", RegistryViews.describe(services, registry.ttl()));
        return view;
    }
}
