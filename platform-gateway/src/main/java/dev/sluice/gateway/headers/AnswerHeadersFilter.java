package dev.sluice.gateway.headers;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes hop-by-hop headers from an upstream's answer, as Gateway's hop-by-hop filter does, without copying them:
 * the headers it gets are already the routing filter's own copy of the answer's, so it removes in place (and copies
 * only if they are read-only). Put in place of Gateway's by {@link UpstreamHeadersFilter#fuse}.
 */
public final class AnswerHeadersFilter implements HttpHeadersFilter, Ordered {

    private final Set<String> hopByHop;

    AnswerHeadersFilter(Set<String> hopByHop) {
        this.hopByHop = HopByHop.names(hopByHop);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.RESPONSE;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HopByHop removed = HopByHop.of(input, hopByHop);
        List<String> present = new ArrayList<>(2);
        for (String name : input.headerNames()) {
            if (removed.contains(name)) {
                present.add(name);
            }
        }
        if (present.isEmpty()) {
            return input;
        }
        try {
            present.forEach(input::remove);
            return input;
        }
        catch (UnsupportedOperationException readOnly) {
            HttpHeaders filtered = new HttpHeaders();
            for (Map.Entry<String, List<String>> header : input.headerSet()) {
                if (!removed.contains(header.getKey())) {
                    filtered.addAll(header.getKey(), header.getValue());
                }
            }
            return filtered;
        }
    }
}
