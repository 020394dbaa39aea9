package dev.sluice.gateway.observability;

import dev.sluice.gateway.headers.UpstreamHeaderEdit;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * W3C trace context on the upstream request: it always carries a valid {@code traceparent}. A valid incoming one
 * keeps its trace id with the gateway as the new parent; a missing or malformed one is replaced by a new trace.
 * {@code tracestate} passes with a valid parent only. On the routing path it edits the one copy of the request's
 * headers that {@code UpstreamHeadersFilter} makes; as a plain header filter (WebSocket upgrades) it copies them.
 * The trace id is kept on the exchange for the access log. Spans are not exported: add Micrometer Tracing for that.
 */
public class TraceContextFilter implements HttpHeadersFilter, UpstreamHeaderEdit, Ordered {

    public static final String TRACE_ID_ATTRIBUTE = TraceContextFilter.class.getName() + ".traceId";
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders upstream = HttpHeaders.copyOf(input);
        edit(upstream, exchange);
        return upstream;
    }

    @Override
    public void edit(HttpHeaders upstream, ServerWebExchange exchange) {
        String incoming = upstream.getFirst("traceparent");
        Matcher matcher = incoming == null ? null : TRACEPARENT.matcher(incoming);
        boolean valid = matcher != null && matcher.matches() && !matcher.group(1).equals(ZERO_TRACE)
                && !matcher.group(2).equals(ZERO_SPAN);
        String traceId = valid ? matcher.group(1) : hex(16);
        String flags = valid ? matcher.group(3) : "01";
        exchange.getAttributes().put(TRACE_ID_ATTRIBUTE, traceId);
        upstream.set("traceparent", "00-" + traceId + "-" + hex(8) + "-" + flags);
        if (!valid) {
            upstream.remove("tracestate");
        }
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
