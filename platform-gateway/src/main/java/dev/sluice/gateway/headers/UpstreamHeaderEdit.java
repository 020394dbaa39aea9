package dev.sluice.gateway.headers;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * A change to the headers of the request sent upstream, made in place on the one copy {@link UpstreamHeadersFilter}
 * makes. A Gateway {@code HttpHeadersFilter} that also implements this is applied this way on the routing path,
 * instead of copying the headers once more; elsewhere (WebSocket upgrades) it still runs as a filter.
 */
@FunctionalInterface
public interface UpstreamHeaderEdit {

    /** Edits {@code upstream}, which is this request's own mutable copy. */
    void edit(HttpHeaders upstream, ServerWebExchange exchange);
}
