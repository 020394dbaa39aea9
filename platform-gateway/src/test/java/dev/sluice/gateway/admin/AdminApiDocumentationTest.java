package dev.sluice.gateway.admin;

import dev.sluice.starter.registry.RedisInstanceRegistry;
import dev.sluice.starter.registry.RegistryWatcher;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import dev.sluice.gateway.config.SluiceGatewayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document the gateway serves describes exactly the endpoints the Admin API's router has. */
class AdminApiDocumentationTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyEndpointIsDocumentedAndEveryDocumentedEndpointExists() throws Exception {
        Set<String> documented = new TreeSet<>();
        try (InputStream in = new ClassPathResource(AdminApiConfiguration.OPENAPI).getInputStream()) {
            Map<String, Object> openApi = new Yaml().load(in);
            Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) openApi.get("paths");
            paths.forEach((path, operations) -> operations.keySet().stream()
                    .filter(key -> Set.of("get", "put", "post", "delete", "patch").contains(key))
                    .forEach(method -> documented.add(method.toUpperCase() + " " + path)));
        }
        assertThat(routed()).isEqualTo(documented);
    }

    private static final StaticListableBeanFactory NO_BEANS = new StaticListableBeanFactory();

    /** "METHOD /path" for every route of the router, read with its visitor (the catch-all 404 aside). */
    private static Set<String> routed() {
        SluiceGatewayProperties gateway = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("sluice.gateway", Bindable.of(SluiceGatewayProperties.class));
        AdminProperties admin = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("sluice.gateway.admin", Bindable.of(AdminProperties.class));
        RouterFunction<ServerResponse> router = new AdminApiConfiguration()
                .sluiceAdminApi(null, null, null, null, null, admin, gateway,
                        NO_BEANS.getBeanProvider(RedisInstanceRegistry.class), NO_BEANS.getBeanProvider(RegistryWatcher.class),
                        dev.sluice.gateway.route.BuiltInPolicies.model(),
                        NO_BEANS.getBeanProvider(dev.sluice.gateway.auth.ApiKeys.class));
        Set<String> routes = new TreeSet<>();
        Deque<String> prefixes = new ArrayDeque<>();
        router.accept(new RouterFunctions.Visitor() {
            @Override
            public void startNested(RequestPredicate predicate) {
                prefixes.push(describe(predicate).path);
            }

            @Override
            public void endNested(RequestPredicate predicate) {
                prefixes.pop();
            }

            @Override
            public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
                Described route = describe(predicate);
                if (route.method != null) {
                    StringBuilder path = new StringBuilder();
                    prefixes.descendingIterator().forEachRemaining(path::append);
                    routes.add(route.method + " " + path + route.path);
                }
            }

            @Override
            public void resources(java.util.function.Function<org.springframework.web.reactive.function.server.ServerRequest,
                    reactor.core.publisher.Mono<org.springframework.core.io.Resource>> lookup) {
            }

            @Override
            public void attributes(Map<String, Object> attributes) {
            }

            @Override
            public void unknown(RouterFunction<?> function) {
            }
        });
        return routes;
    }

    private static final class Described {
        String method;
        String path = "";
    }

    private static Described describe(RequestPredicate predicate) {
        Described described = new Described();
        predicate.accept(new RequestPredicates.Visitor() {
            @Override
            public void method(Set<HttpMethod> methods) {
                described.method = methods.iterator().next().name();
            }

            @Override
            public void path(String pattern) {
                described.path = pattern;
            }

            @Override
            public void pathExtension(String extension) {
            }

            @Override
            public void header(String name, String value) {
            }

            @Override
            public void queryParam(String name, String value) {
            }

            @Override
            public void version(String version) {
            }

            @Override
            public void startAnd() {
            }

            @Override
            public void and() {
            }

            @Override
            public void endAnd() {
            }

            @Override
            public void startOr() {
            }

            @Override
            public void or() {
            }

            @Override
            public void endOr() {
            }

            @Override
            public void startNegate() {
            }

            @Override
            public void endNegate() {
            }

            @Override
            public void unknown(RequestPredicate unknown) {
            }
        });
        return described;
    }
}
