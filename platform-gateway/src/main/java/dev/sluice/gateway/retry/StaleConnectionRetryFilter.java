package dev.sluice.gateway.retry;

import dev.sluice.gateway.pipeline.FilterOrder;
import dev.sluice.traffic.retry.ReplaySafety;

import dev.sluice.gateway.support.BufferedBody;
import dev.sluice.gateway.support.UpstreamFailures;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * Sends a request again, at once, when it failed on a stale pooled connection. That is the race every proxy meets
 * with upstreams that close idle keep-alive connections (on a timeout, or past a cap on idle connections):
 * <ul>
 * <li>the upstream closed or reset a reused connection after the gateway had written the request on it, before any
 * answer: resent when {@link ReplaySafety} allows it. Reactor Netty resends by itself only when the request had not
 * been written yet. A connection opened for the call that fails is an upstream failure, for the route's
 * {@code retry} policy, not a race (see {@link ConnectionReuse});</li>
 * <li>the pool handed out closed connections until Reactor Netty gave up, before anything was sent: resent
 * whatever the method.</li>
 * </ul>
 * The next attempt may draw another stale connection, so up to {@value #MAX_RESENDS} resends are made. A request
 * body must be absent or already buffered by an earlier filter. On every route, with or without a {@code retry}
 * policy; counted as {@code sluice.gateway.retries{outcome=stale_connection}}.
 */
public class StaleConnectionRetryFilter implements GlobalFilter, Ordered {

    static final int MAX_RESENDS = 3;

    private final MeterRegistry meters;

    public StaleConnectionRetryFilter(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Just above Gateway's Netty routing filter (and the upstream timer), so only the upstream call is repeated. */
    @Override
    public int getOrder() {
        return FilterOrder.STALE_CONNECTION_RETRY;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (BufferedBody.hasBody(exchange.getRequest()) && BufferedBody.of(exchange) == null) {
            return chain.filter(exchange);
        }
        return send(exchange, chain, ReplaySafety.mayReplay(exchange.getRequest().getMethod(), exchange.getRequest().getHeaders()), 0);
    }

    private Mono<Void> send(ServerWebExchange exchange, GatewayFilterChain chain, boolean replaySafe, int resends) {
        ConnectionReuse.Attempt attempt = new ConnectionReuse.Attempt();
        return chain.filter(exchange)
                .onErrorResume(error -> resends < MAX_RESENDS && stale(exchange, error, attempt, replaySafe), error -> {
                    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
                    meters.counter("sluice.gateway.retries", "route", route != null ? route.getId() : "none",
                            "outcome", "stale_connection").increment();
                    ServerWebExchangeUtils.reset(exchange);
                    return send(exchange, chain, replaySafe, resends + 1);
                })
                .contextWrite(context -> context.put(ConnectionReuse.Attempt.class, attempt));
    }

    private static boolean stale(ServerWebExchange exchange, Throwable error, ConnectionReuse.Attempt attempt,
            boolean replaySafe) {
        if (exchange.getAttribute(CLIENT_RESPONSE_ATTR) != null || exchange.getResponse().isCommitted()) {
            return false;
        }
        if (UpstreamFailures.isPoolOfClosedConnections(error)) {
            return true;
        }
        return replaySafe && attempt.reusedConnection && UpstreamFailures.isDroppedConnection(error);
    }
}
