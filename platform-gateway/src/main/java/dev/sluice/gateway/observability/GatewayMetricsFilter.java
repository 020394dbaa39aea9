package dev.sluice.gateway.observability;

import dev.sluice.gateway.pipeline.FilterOrder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * {@code sluice.gateway.requests}: every routed request, by route and status class ({@code 2xx} ... {@code 5xx}),
 * with a latency histogram. Timers are looked up once per route and class, not built per request: this filter
 * runs on every request, so it is kept to a map lookup and a clock read.
 */
public class GatewayMetricsFilter implements GlobalFilter, Ordered {

    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private final MeterRegistry meters;
    private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();

    public GatewayMetricsFilter(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public int getOrder() {
        return FilterOrder.METRICS;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> record(exchange, System.nanoTime() - start));
    }

    private void record(ServerWebExchange exchange, long nanos) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        String routeId = route != null ? route.getId() : "none";
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int statusClass = status == null ? 5 : Math.max(1, Math.min(5, status.value() / 100));
        timers.computeIfAbsent(routeId, this::timersFor)[statusClass - 1].record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer[] timersFor(String routeId) {
        Timer[] forRoute = new Timer[CLASSES.length];
        for (int i = 0; i < CLASSES.length; i++) {
            forRoute[i] = Timer.builder("sluice.gateway.requests")
                    .description("Requests through the gateway, from arrival to the last byte of the answer")
                    .tag("route", routeId).tag("status", CLASSES[i])
                    .publishPercentileHistogram()
                    .register(meters);
        }
        return forRoute;
    }
}
