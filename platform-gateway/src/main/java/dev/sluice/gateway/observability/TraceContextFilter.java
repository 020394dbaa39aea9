package dev.sluice.gateway.observability;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C trace context: the upstream always gets a valid {@code traceparent}. A valid incoming one keeps its trace id
 * with the gateway as the new parent; a missing or malformed one is replaced by a new trace. {@code tracestate}
 * passes through with a valid parent only. The trace id is kept on the exchange for the access log. Spans are not
 * exported: add Micrometer Tracing for that.
 */
public class TraceContextFilter implements GlobalFilter, Ordered {

    public static final String TRACE_ID_ATTRIBUTE = TraceContextFilter.class.getName() + ".traceId";
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 5;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String incoming = request.getHeaders().getFirst("traceparent");
        String traceId;
        String flags;
        boolean valid = false;
        var matcher = incoming == null ? null : TRACEPARENT.matcher(incoming);
        if (matcher != null && matcher.matches() && !matcher.group(1).equals(ZERO_TRACE) && !matcher.group(2).equals(ZERO_SPAN)) {
            traceId = matcher.group(1);
            flags = matcher.group(3);
            valid = true;
        }
        else {
            traceId = hex(16);
            flags = "01";
        }
        String traceparent = "00-" + traceId + "-" + hex(8) + "-" + flags;
        boolean keepState = valid;
        exchange.getAttributes().put(TRACE_ID_ATTRIBUTE, traceId);
        ServerHttpRequest upstream = request.mutate().headers(headers -> {
            headers.set("traceparent", traceparent);
            if (!keepState) {
                headers.remove("tracestate");
            }
        }).build();
        return chain.filter(exchange.mutate().request(upstream).build());
    }

    private static String hex(int bytes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder out = new StringBuilder(bytes * 2);
        for (int i = 0; i < bytes; i++) {
            int b = random.nextInt(256);
            out.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
        }
        return out.toString();
    }
}
