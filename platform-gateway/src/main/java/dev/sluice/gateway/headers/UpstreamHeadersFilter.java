package dev.sluice.gateway.headers;

import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.core.Ordered;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.util.StringUtils;
import org.springframework.web.server.ServerWebExchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gateway's request-header hygiene in one pass. Spring Cloud Gateway cleans the headers it sends upstream with a
 * chain of filters that each copy all of them: removing {@code Forwarded}, removing {@code X-Forwarded-*} (both
 * when no trusted proxies are configured), removing hop-by-hop headers, and re-adding {@code te: trailers} for gRPC.
 * With Sluice's trace context that was five copies of the request's headers on every request, and one of the
 * answer's (about a fifth of the gateway's CPU in a profile of the bare route). This filter replaces exactly those
 * of Gateway's filters that are present ({@link #fuse}) with one copy that leaves out what they would remove, and
 * then applies every {@link UpstreamHeaderEdit} to that copy. Gateway's hop-by-hop filter also copied every answer's
 * headers: {@link AnswerHeadersFilter} takes its place there, and removes them in place.
 * <p>
 * It runs where Gateway's hop-by-hop filter ran, after any other header filter. Trusted proxies
 * ({@code spring.cloud.gateway.server.webflux.trusted-proxies}) make Gateway register its adding filters instead of
 * the removing ones; those are left as they are.
 */
public final class UpstreamHeadersFilter implements HttpHeadersFilter, Ordered {

    private static final String FORWARDED = "forwarded";
    private static final String X_FORWARDED = "x-forwarded-";

    private final Set<String> hopByHop;
    private final boolean dropForwarded;
    private final boolean dropXForwarded;
    private final boolean grpcTrailers;
    private final List<UpstreamHeaderEdit> edits;

    UpstreamHeadersFilter(Set<String> hopByHop, boolean dropForwarded, boolean dropXForwarded, boolean grpcTrailers,
            List<UpstreamHeaderEdit> edits) {
        this.hopByHop = HopByHop.names(hopByHop);
        this.dropForwarded = dropForwarded;
        this.dropXForwarded = dropXForwarded;
        this.grpcTrailers = grpcTrailers;
        this.edits = List.copyOf(edits);
    }

    /**
     * Gateway's header filters with the ones this filter does the work of replaced by one instance of it. Only
     * Gateway's own classes are replaced, not subclasses of them; header filters that are also
     * {@link UpstreamHeaderEdit}s become edits.
     */
    public static List<HttpHeadersFilter> fuse(List<HttpHeadersFilter> filters) {
        Set<String> hopByHop = null;
        boolean forwarded = false;
        boolean xForwarded = false;
        boolean grpc = false;
        List<UpstreamHeaderEdit> edits = new ArrayList<>();
        List<HttpHeadersFilter> kept = new ArrayList<>();
        for (HttpHeadersFilter filter : filters) {
            Class<?> type = filter.getClass();
            if (type == RemoveHopByHopHeadersFilter.class) {
                hopByHop = ((RemoveHopByHopHeadersFilter) filter).getHeaders();
            }
            else if (type == RemoveForwardedHeadersFilter.class) {
                forwarded = true;
            }
            else if (type == RemoveXForwardedHeadersFilter.class) {
                xForwarded = true;
            }
            else if (type == GRPCRequestHeadersFilter.class) {
                grpc = true;
            }
            else if (filter instanceof UpstreamHeaderEdit edit) {
                edits.add(edit);
            }
            else {
                kept.add(filter);
            }
        }
        Set<String> removed = hopByHop != null ? hopByHop : Set.of();
        kept.add(new UpstreamHeadersFilter(removed, forwarded, xForwarded, grpc, edits));
        if (hopByHop != null) {
            kept.add(new AnswerHeadersFilter(removed));
        }
        return List.copyOf(kept);
    }

    /** Where Gateway's hop-by-hop filter runs: after any other header filter that may add to the request. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }

    /** The request only: an answer's hop-by-hop headers are {@link AnswerHeadersFilter}'s. */
    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HopByHop removed = HopByHop.of(input, hopByHop);
        // Backed by Netty's headers, which the routing filter copies them into next: case-insensitive without a
        // lower-cased key map.
        HttpHeaders upstream = new HttpHeaders(new Netty4HeadersAdapter(new DefaultHttpHeaders()));
        for (Map.Entry<String, List<String>> header : input.headerSet()) {
            String name = header.getKey();
            if (!removed.contains(name) && !(dropForwarded && name.equalsIgnoreCase(FORWARDED))
                    && !(dropXForwarded && name.regionMatches(true, 0, X_FORWARDED, 0, X_FORWARDED.length()))) {
                upstream.addAll(header.getKey(), header.getValue());
            }
        }
        if (grpcTrailers
                && StringUtils.startsWithIgnoreCase(input.getFirst(HttpHeaders.CONTENT_TYPE), "application/grpc")) {
            upstream.add("te", "trailers");
        }
        for (UpstreamHeaderEdit edit : edits) {
            edit.edit(upstream, exchange);
        }
        return upstream;
    }
}
