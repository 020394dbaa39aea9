package dev.sluice.tcc.web;

import org.apache.seata.core.context.RootContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Binds the incoming {@code TX_XID} for a WebFlux request. It goes into the Reactor context; with automatic context
 * propagation, {@link XidThreadLocalAccessor} restores it into Seata's thread-local on whichever thread runs the
 * request's operators, and clears it after.
 */
public class XidWebFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String xid = exchange.getRequest().getHeaders().getFirst(RootContext.KEY_XID);
        if (xid == null || xid.isBlank()) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange).contextWrite(Context.of(XidThreadLocalAccessor.KEY, xid));
    }
}
