package dev.sluice.gateway.route;

import dev.sluice.gateway.pipeline.FilterOrder;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.StripPrefixGatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.HostRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.PathRoutePredicateFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

import java.util.ArrayList;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Compiles validated route documents into Spring Cloud Gateway routes: a predicate from {@code match}, the route's
 * timeout as Gateway's per-route response timeout, and one filter per policy the route uses, at the policy's order.
 */
public class RouteCompiler {

    private final PathRoutePredicateFactory paths;
    private final HostRoutePredicateFactory hosts;
    private final RouteModel model;
    private final UpstreamGuard guard;
    private final Duration defaultTimeout;

    public RouteCompiler(PathRoutePredicateFactory paths, HostRoutePredicateFactory hosts,
            RouteModel model, UpstreamGuard guard, Duration defaultTimeout) {
        this.paths = paths;
        this.hosts = hosts;
        this.model = model;
        this.guard = guard;
        this.defaultTimeout = defaultTimeout;
    }

    /**
     * Validates and compiles a whole route table.
     *
     * @throws InvalidRoutesException listing every violation, when any route is invalid
     */
    public List<Route> compile(List<RouteDocument> documents) {
        return compile(documents, EnvironmentRoutes.PREFIX);
    }

    /**
     * Validates and compiles a route table without installing it, naming fields under {@code fieldPrefix}.
     *
     * @throws InvalidRoutesException listing every violation
     */
    public void check(List<RouteDocument> documents, String fieldPrefix) {
        Violations violations = new Violations();
        Violations table = validate(documents, fieldPrefix, violations);
        for (int i = 0; i < documents.size(); i++) {
            for (RoutePolicy<?> policy : model.policies()) {
                check(policy, documents.get(i), table.at(i));
            }
        }
        violations.throwIfAny();
    }

    /** The document rules and the SSRF guard; throws on any violation. Returns the view routes are named under. */
    private Violations validate(List<RouteDocument> documents, String fieldPrefix, Violations violations) {
        Violations table = fieldPrefix.isEmpty() ? violations : violations.at(fieldPrefix);
        RouteValidator.validate(model, documents, table);
        guard.check(model, documents, table);
        violations.throwIfAny();
        return table;
    }

    private List<Route> compile(List<RouteDocument> documents, String fieldPrefix) {
        Violations violations = new Violations();
        Violations table = validate(documents, fieldPrefix, violations);
        List<Route> routes = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            routes.add(compile(documents.get(i), i, table.at(i)));
        }
        violations.throwIfAny();
        return routes;
    }

    private Route compile(RouteDocument document, int order, Violations violations) {
        List<GatewayFilter> filters = new ArrayList<>();
        if (document.stripPrefix() != null && document.stripPrefix() > 0) {
            StripPrefixGatewayFilterFactory.Config strip = new StripPrefixGatewayFilterFactory.Config();
            strip.setParts(document.stripPrefix());
            filters.add(new OrderedGatewayFilter(new StripPrefixGatewayFilterFactory().apply(strip), FilterOrder.STRIP_PREFIX));
        }
        for (RoutePolicy<?> policy : model.policies()) {
            GatewayFilter filter = apply(policy, document, violations);
            if (filter != null) {
                filters.add(new OrderedGatewayFilter(filter, policy.order()));
            }
        }
        return Route.async()
                .id(document.id())
                .uri(document.uri())
                .order(order)
                .predicate(predicate(document.match()))
                .metadata(metadata(document))
                .filters(filters)
                .build();
    }

    /**
     * Gateway's per-route response timeout, the route's own or the gateway-wide default, and the policies that code
     * outside the filter chain reads. Every route carries its timeout: a response timeout on the HTTP client itself
     * would apply too, and cut a route that allows longer (an order's 40 s) at the client's.
     */
    private Map<String, Object> metadata(RouteDocument document) {
        Map<String, Object> metadata = new HashMap<>();
        metadata.put(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, document.timeoutOr(defaultTimeout).toMillis());
        for (RoutePolicy<?> policy : model.policies()) {
            metadata(policy, document, metadata);
        }
        return metadata;
    }

    private static <S> GatewayFilter apply(RoutePolicy<S> policy, RouteDocument document, Violations violations) {
        S spec = document.policy(policy);
        return spec == null ? null : policy.apply(document, spec, violations.at(policy.field()));
    }

    private static <S> void check(RoutePolicy<S> policy, RouteDocument document, Violations violations) {
        S spec = document.policy(policy);
        if (spec != null) {
            policy.check(document, spec, violations.at(policy.field()));
        }
    }

    private static <S> void metadata(RoutePolicy<S> policy, RouteDocument document, Map<String, Object> metadata) {
        S spec = document.policy(policy);
        if (spec != null) {
            policy.metadata(spec, metadata);
        }
    }

    private Predicate<ServerWebExchange> predicate(Match match) {
        PathRoutePredicateFactory.Config path = new PathRoutePredicateFactory.Config();
        path.setPatterns(List.of(match.path()));
        Predicate<ServerWebExchange> predicate = paths.apply(path);
        if (match.methods() != null && !match.methods().isEmpty()) {
            Set<HttpMethod> methods = match.methods().stream().map(HttpMethod::valueOf).collect(Collectors.toSet());
            predicate = predicate.and(exchange -> methods.contains(exchange.getRequest().getMethod()));
        }
        if (match.headers() != null && !match.headers().isEmpty()) {
            Map<String, String> headers = Map.copyOf(match.headers());
            predicate = predicate.and(exchange -> headers.entrySet().stream()
                    .allMatch(h -> h.getValue().equals(exchange.getRequest().getHeaders().getFirst(h.getKey()))));
        }
        if (match.host() != null) {
            HostRoutePredicateFactory.Config host = new HostRoutePredicateFactory.Config();
            host.setPatterns(List.of(match.host()));
            predicate = predicate.and(hosts.apply(host));
        }
        return predicate;
    }
}
