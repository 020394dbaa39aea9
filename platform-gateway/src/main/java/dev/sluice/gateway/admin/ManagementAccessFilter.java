package dev.sluice.gateway.admin;

import dev.sluice.starter.management.BearerTokens;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The management port is never anonymous beyond health: every other endpoint (Prometheus, the Admin API)
 * needs {@code Authorization: Bearer <token>} (401 without a valid one), and viewers may only read (403 otherwise).
 * Traffic-port requests are not touched.
 */
public class ManagementAccessFilter implements WebFilter, Ordered, ApplicationListener<WebServerInitializedEvent> {

    public static final String CALLER_ATTRIBUTE = ManagementAccessFilter.class.getName() + ".caller";
    private final BearerTokens tokens;
    private final Supplier<AuditLog> audit;
    private volatile int managementPort = -1;

    /** @param audit where refused Admin API writes are recorded; may supply null */
    public ManagementAccessFilter(BearerTokens tokens, Supplier<AuditLog> audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if ("management".equals(event.getApplicationContext().getServerNamespace())) {
            managementPort = event.getWebServer().getPort();
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isManagement(exchange)) {
            return chain.filter(exchange);
        }
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
            return chain.filter(exchange);
        }
        String header = exchange.getRequest().getHeaders().getFirst("Authorization");
        Optional<BearerTokens.Caller> caller = tokens.authenticateHeader(header);
        HttpMethod method = exchange.getRequest().getMethod();
        boolean reads = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (caller.isEmpty()) {
            exchange.getResponse().getHeaders().set("WWW-Authenticate", "Bearer");
            return refuse(exchange, "anonymous", reads, GatewayProblem.of(HttpStatus.UNAUTHORIZED, "unauthorized",
                    "A valid bearer token is required"));
        }
        if (!reads && caller.get().role() != BearerTokens.Role.ADMIN) {
            return refuse(exchange, caller.get().name(), false, GatewayProblem.of(HttpStatus.FORBIDDEN, "forbidden",
                    "The token's role may only read"));
        }
        exchange.getAttributes().put(CALLER_ATTRIBUTE, caller.get());
        return chain.filter(exchange);
    }

    /** Answers with the problem; a refused write to the Admin API goes in the audit log too. */
    private Mono<Void> refuse(ServerWebExchange exchange, String actor, boolean read, GatewayProblem problem) {
        AuditLog log = audit.get();
        String path = exchange.getRequest().getPath().value();
        if (!read && log != null && path.startsWith("/admin/")) {
            log.record(actor, exchange.getRequest().getMethod().name(), path, problem.status().value(), null,
                    problem.code() + ": " + problem.detail());
        }
        return ProblemResponses.write(exchange, problem);
    }

    private boolean isManagement(ServerWebExchange exchange) {
        if (managementPort <= 0) {
            // Same port for traffic and management: the actuator's base path tells them apart.
            return exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/actuator");
        }
        InetSocketAddress local = exchange.getRequest().getLocalAddress();
        return local != null && local.getPort() == managementPort;
    }
}
