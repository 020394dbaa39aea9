package dev.sluice.gateway.retry;

import dev.sluice.gateway.support.BufferedBody;
import dev.sluice.gateway.support.UpstreamFailures;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * Sends a request once more, at once and on a new connection, when the upstream closed or reset a pooled keep-alive
 * connection after the gateway had written the request on it but before any answer. That is the race every proxy
 * meets with upstreams that close idle connections (on a timeout, or past a cap on idle connections); Reactor Netty
 * resends by itself only when the request had not been written yet. Only requests that {@link ReplaySafety} allows
 * are sent again, and only when the body is absent or already buffered by an earlier filter; on every route, with
 * or without a {@code retry} policy. Counted as {@code sluice.gateway.retries{outcome=stale_connection}}.
 */
public class StaleConnectionRetryFilter implements GlobalFilter, Ordered {

    private final MeterRegistry meters;

    public StaleConnectionRetryFilter(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Just above Gateway's Netty routing filter (and the upstream timer), so only the upstream call is repeated. */
    @Override
    public int getOrder() {
        return NettyRoutingFilter.ORDER - 2;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!ReplaySafety.mayReplay(exchange)
                || (BufferedBody.hasBody(exchange.getRequest()) && BufferedBody.of(exchange) == null)) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange).onErrorResume(error -> droppedBeforeAnswer(exchange, error), error -> {
            Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
            meters.counter("sluice.gateway.retries", "route", route != null ? route.getId() : "none",
                    "outcome", "stale_connection").increment();
            ServerWebExchangeUtils.reset(exchange);
            return chain.filter(exchange);
        });
    }

    private static boolean droppedBeforeAnswer(ServerWebExchange exchange, Throwable error) {
        return UpstreamFailures.isDroppedConnection(error) && exchange.getAttribute(CLIENT_RESPONSE_ATTR) == null
                && !exchange.getResponse().isCommitted();
    }
}
