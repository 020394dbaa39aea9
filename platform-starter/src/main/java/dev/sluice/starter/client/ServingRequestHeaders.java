package dev.sluice.starter.client;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Leaves the served request's headers in the Reactor context, where a reactive client call made while serving it
 * finds the trace context and identity headers to carry on (the reactive stack has no request-bound thread).
 */
class ServingRequestHeaders implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange).contextWrite(context -> context.put(ReactiveClientCallFilter.SERVING_HEADERS,
                exchange.getRequest().getHeaders()));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
