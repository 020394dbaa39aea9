package dev.sluice.starter.registry;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import java.util.List;

/** Spring Cloud's blocking discovery over the registry: what service clients and {@code RestClient}s use. */
public class RegistryDiscoveryClient implements DiscoveryClient {

    private final RegistryWatcher watcher;

    public RegistryDiscoveryClient(RegistryWatcher watcher) {
        this.watcher = watcher;
    }

    @Override
    public String description() {
        return "Sluice instance registry (Redis Cluster)";
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        return watcher.instances(serviceId);
    }

    @Override
    public List<String> getServices() {
        return watcher.services();
    }
}
