package dev.sluice.gateway.observability;

import dev.sluice.gateway.pipeline.FilterOrder;
import dev.sluice.traffic.address.ClientAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

/**
 * One JSON line per request on the {@code sluice.gateway.access} logger, when {@code sluice.gateway.access-log}
 * is on: time, client, method, path (no query: it may carry secrets), route, upstream, status, duration, trace id.
 */
public class AccessLogFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger("sluice.gateway.access");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ClientAddresses clients;

    public AccessLogFilter(ClientAddresses clients) {
        this.clients = clients;
    }

    @Override
    public int getOrder() {
        return FilterOrder.ACCESS_LOG;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", Instant.now().toString());
            line.put("client", clients.clientAddress(exchange));
            line.put("method", exchange.getRequest().getMethod().name());
            line.put("path", exchange.getRequest().getPath().value());
            Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
            line.put("route", route != null ? route.getId() : null);
            URI upstream = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
            line.put("upstream", upstream != null ? upstream.getScheme() + "://" + upstream.getAuthority() : null);
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            line.put("status", status != null ? status.value() : null);
            line.put("durationMs", (System.nanoTime() - start) / 1_000_000.0);
            line.put("traceId", exchange.getAttribute(TraceContextFilter.TRACE_ID_ATTRIBUTE));
            if (signal == reactor.core.publisher.SignalType.CANCEL) {
                line.put("cancelled", true);
            }
            log.info(JSON.writeValueAsString(line));
        });
    }
}
