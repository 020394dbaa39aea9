package dev.sluice.gateway.retry;

import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

import java.util.Set;

/**
 * Which requests the gateway may send to an upstream more than once: idempotent methods, and POST or PATCH when the
 * client sent an {@code Idempotency-Key} (RFC 9110 §9.2.2, and RFC 9112 §9.3.1 on retrying non-idempotent requests
 * only when the client has a way to know they are safe to repeat).
 */
public final class ReplaySafety {

    static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE);

    private ReplaySafety() {
    }

    public static boolean mayReplay(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        return IDEMPOTENT.contains(method) || ((method == HttpMethod.POST || method == HttpMethod.PATCH)
                && exchange.getRequest().getHeaders().containsHeader("Idempotency-Key"));
    }
}
