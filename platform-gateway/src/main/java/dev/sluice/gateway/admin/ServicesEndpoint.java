package dev.sluice.gateway.admin;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.starter.registry.RedisInstanceRegistry;
import dev.sluice.starter.registry.RegistryViews;
import dev.sluice.starter.registry.RegistryWatcher;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /admin/v1/services}: every service in the instance registry with its instances, their zone, age and
 * silence, read from Redis. With Redis away, the instances this node last knew, and {@code complete} is false.
 */
class ServicesEndpoint {

    private final RedisInstanceRegistry registry;
    private final RegistryWatcher watcher;
    private final Duration timeout;

    /** @param registry null when the registry is off (on Kubernetes, discovery is Spring Cloud Kubernetes') */
    ServicesEndpoint(RedisInstanceRegistry registry, RegistryWatcher watcher, Duration timeout) {
        this.registry = registry;
        this.watcher = watcher;
        this.timeout = timeout;
    }

    Mono<ServerResponse> view(ServerRequest request) {
        if (registry == null) {
            return Mono.error(new AdminProblemException(GatewayProblem.of(HttpStatus.NOT_FOUND, "registry_off",
                    "The instance registry is off (sluice.registry.enabled=false, or on Kubernetes, where Spring Cloud "
                            + "Kubernetes discovers services)")));
        }
        return registry.all().timeout(timeout)
                .map(services -> body(true, RegistryViews.describe(services, registry.ttl())))
                .onErrorResume(error -> Mono.just(body(false, RegistryViews.describe(watcher.known(), registry.ttl()))))
                .flatMap(AdminResponses::ok);
    }

    private static Map<String, Object> body(boolean complete, Map<String, Object> services) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("complete", complete);
        body.put("services", services);
        return body;
    }
}
