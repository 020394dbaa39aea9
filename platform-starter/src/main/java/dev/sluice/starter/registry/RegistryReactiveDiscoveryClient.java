package dev.sluice.starter.registry;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Spring Cloud's reactive discovery over the registry: what the gateway's {@code lb://} routes use. */
public class RegistryReactiveDiscoveryClient implements ReactiveDiscoveryClient {

    private final RegistryWatcher watcher;

    public RegistryReactiveDiscoveryClient(RegistryWatcher watcher) {
        this.watcher = watcher;
    }

    @Override
    public String description() {
        return "Sluice instance registry (Redis Cluster)";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return watcher.instancesLater(serviceId).flatMapIterable(instances -> instances);
    }

    @Override
    public Flux<String> getServices() {
        return Mono.fromCallable(watcher::services)
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .flatMapIterable(services -> services);
    }
}
