package dev.sluice.starter.limits;

import dev.sluice.starter.problem.ProblemJson;
import dev.sluice.traffic.address.ClientAddresses;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;

/**
 * Endpoint limits for reactive services, from {@code sluice.limits.endpoints}. It runs after Spring Security's
 * filter chain (order -100), so the {@code principal} key sees the authenticated user. Concurrency permits are held
 * until the response completes, is cancelled or fails.
 */
public class EndpointLimitWebFilter implements WebFilter, Ordered, SmartInitializingSingleton {

    /** After Spring Security's {@code WebFilterChainProxy}. */
    public static final int ORDER = 0;

    private final EndpointLimiter limiter;
    private final ClientAddresses clients;

    EndpointLimitWebFilter(EndpointLimiter limiter, ClientAddresses clients) {
        this.limiter = limiter;
        this.clients = clients;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /** Reactive services limit by entries only: the instance count is needed once one of them has a rate. */
    @Override
    public void afterSingletonsInstantiated() {
        limiter.activate(List.of());
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        List<LimitRule> rules = limiter.matching(exchange.getRequest().getMethod().name(),
                exchange.getRequest().getPath().pathWithinApplication().value());
        if (rules.isEmpty()) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal().map(Principal::getName).map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(principal -> limiter.admit(rules, new RequestKeys() {
                    @Override
                    public String clientAddress() {
                        return clients.clientAddress(exchange);
                    }

                    @Override
                    public String header(String name) {
                        return exchange.getRequest().getHeaders().getFirst(name);
                    }

                    @Override
                    public String principal() {
                        return principal.orElse(null);
                    }
                }))
                .flatMap(verdict -> {
                    ServerHttpResponse response = exchange.getResponse();
                    verdict.headers().forEach(response.getHeaders()::set);
                    if (verdict.isRefused()) {
                        return write(response, verdict);
                    }
                    return chain.filter(exchange).doFinally(signal -> verdict.release());
                });
    }

    private static Mono<Void> write(ServerHttpResponse response, Verdict verdict) {
        byte[] body = ProblemJson.toJson(verdict.refusal()).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(HttpStatus.valueOf(verdict.refusal().getStatus()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(body.length);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }
}
