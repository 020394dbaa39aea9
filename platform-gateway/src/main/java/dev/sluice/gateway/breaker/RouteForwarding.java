package dev.sluice.gateway.breaker;

import dev.sluice.gateway.route.RouteTable;
import dev.sluice.gateway.support.BufferedBody;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ALREADY_ROUTED_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * {@code fallback.route}: hands a request to another route of the current table, which runs it with its own upstream
 * and policies, as if it had matched that route. One hop only: a request that is already a fallback is not handed on
 * again.
 */
public class RouteForwarding {

    static final String FORWARDED_FROM = RouteForwarding.class.getName() + ".from";

    private final Supplier<RouteTable> routes;
    private final Supplier<FilteringWebHandler> handler;

    /** Suppliers, because the route table is built from the filter factories that use this. */
    public RouteForwarding(Supplier<RouteTable> routes, Supplier<FilteringWebHandler> handler) {
        this.routes = routes;
        this.handler = handler;
    }

    /**
     * Whether the request can go to another route: it is not a fallback already, and nothing of it went upstream
     * that could not be sent again (an open breaker sent nothing; a failed call may have consumed the body).
     */
    boolean canForward(ServerWebExchange exchange, boolean sentUpstream) {
        if (exchange.getAttribute(FORWARDED_FROM) != null) {
            return false;
        }
        return !sentUpstream || !BufferedBody.hasBody(exchange.getRequest());
    }

    /** Runs the request on route {@code to}; empty when the table has no such route any more. */
    Optional<Mono<Void>> forward(ServerWebExchange exchange, String from, String to, String reason) {
        Optional<Route> target = routes.get().route(to);
        if (target.isEmpty()) {
            return Optional.empty();
        }
        ServerWebExchange next = exchange.mutate().request(original(exchange)).build();
        next.getAttributes().put(GATEWAY_ROUTE_ATTR, target.get());
        next.getAttributes().remove(GATEWAY_REQUEST_URL_ATTR);
        next.getAttributes().remove(GATEWAY_ALREADY_ROUTED_ATTR);
        next.getAttributes().put(FORWARDED_FROM, from);
        next.getResponse().getHeaders().set(CircuitBreakerGatewayFilterFactory.DEGRADED_HEADER, reason + "; route=" + to);
        return Optional.of(handler.get().handle(next));
    }

    /** The request as the client sent it, before the first route's filters rewrote its path. */
    private static ServerHttpRequest original(ServerWebExchange exchange) {
        Set<URI> originals = exchange.getAttribute(GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
        if (originals == null || originals.isEmpty()) {
            return exchange.getRequest();
        }
        URI first = originals.iterator().next();
        return exchange.getRequest().mutate().path(first.getRawPath()).build();
    }
}
