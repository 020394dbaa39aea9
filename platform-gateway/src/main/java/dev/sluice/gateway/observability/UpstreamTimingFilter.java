package dev.sluice.gateway.observability;

import dev.sluice.gateway.pipeline.FilterOrder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * {@code sluice.gateway.upstream.duration}: each upstream call (each retry too), from sending the request to the
 * upstream's response headers, by route. Runs just before Gateway's Netty routing filter.
 */
public class UpstreamTimingFilter implements GlobalFilter, Ordered {

    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public UpstreamTimingFilter(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public int getOrder() {
        return FilterOrder.UPSTREAM_TIMING;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> {
            Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
            String routeId = route != null ? route.getId() : "none";
            timers.computeIfAbsent(routeId, id -> Timer.builder("sluice.gateway.upstream.duration")
                    .description("Upstream calls, to the response headers").tag("route", id).register(meters))
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
    }
}
