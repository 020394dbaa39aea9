package dev.sluice.gateway.admin;

import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.gateway.cluster.NodeDescription;
import dev.sluice.gateway.auth.ApiKeys;
import dev.sluice.gateway.config.SluiceGatewayProperties;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RoutePipeline;
import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.store.ConfigStore;
import dev.sluice.starter.registry.RedisInstanceRegistry;
import dev.sluice.starter.registry.RegistryWatcher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * The Admin API, {@code /admin/v1}. It lives in the management server's own context, so it is served on the
 * management port only, never on the traffic port, behind {@link ManagementAccessFilter}. Read top to bottom, the
 * router is the API's table of contents; {@code admin-openapi.yaml} documents each entry.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnProperty(name = "sluice.gateway.store.enabled", matchIfMissing = true)
public class AdminApiConfiguration {

    static final String OPENAPI = "admin-openapi.yaml";

    @Bean
    RouterFunction<ServerResponse> sluiceAdminApi(ConfigWriter writer, ConfigStore store, AuditLog audit,
            ClusterMembers nodes, NodeDescription self, AdminProperties admin, SluiceGatewayProperties gateway,
            ObjectProvider<RedisInstanceRegistry> registry, ObjectProvider<RegistryWatcher> watcher, RouteModel model,
            ObjectProvider<ApiKeys> apiKeys) {
        long maxBody = admin.maxBodySize().toBytes();
        RoutesEndpoint routes = new RoutesEndpoint(writer, maxBody, model);
        RevisionsEndpoint revisions = new RevisionsEndpoint(store, writer);
        ConfigEndpoint config = new ConfigEndpoint(writer, maxBody, model);
        ClusterEndpoint cluster = new ClusterEndpoint(nodes, self, gateway.store().timeout());
        AuditEndpoint audits = new AuditEndpoint(audit);
        ApiKeysEndpoint keys = new ApiKeysEndpoint(apiKeys::getIfAvailable, maxBody);
        ServicesEndpoint services = new ServicesEndpoint(registry.getIfAvailable(), watcher.getIfAvailable(),
                gateway.store().timeout());
        return RouterFunctions.route()
                .path("/admin/v1", api -> api
                        .GET("/routes", routes::list)
                        .GET("/routes/{id}", routes::get)
                        .PUT("/routes/{id}", routes::put)
                        .DELETE("/routes/{id}", routes::delete)
                        .GET("/revisions", revisions::history)
                        .GET("/revisions/{rev}", revisions::get)
                        .POST("/revisions/{rev}/rollback", revisions::rollback)
                        .GET("/config", config::export)
                        .PUT("/config", config::replace)
                        .GET("/cluster", cluster::view)
                        .GET("/services", services::view)
                        .GET("/audit", audits::recent)
                        .GET("/api-keys", keys::list)
                        .POST("/api-keys", keys::create)
                        .DELETE("/api-keys/{id}", keys::revoke)
                        .GET("/pipeline", request -> AdminResponses.ok(Map.of("filters", RoutePipeline.of(model))))
                        .GET("/openapi.yaml", request -> ServerResponse.ok().contentType(ConfigEndpoint.YAML)
                                .bodyValue(new ClassPathResource(OPENAPI)))
                        .route(RequestPredicates.all(), request -> Mono.error(new AdminProblemException(
                                GatewayProblem.of(HttpStatus.NOT_FOUND, "no_such_endpoint",
                                        "No Admin API endpoint answers " + request.method() + " " + request.path())))))
                .filter(new AdminCallFilter(audit))
                .build();
    }
}
