package dev.sluice.gateway.auth;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One route's API key check: the key from its header or query parameter, looked up ({@link ApiKeyLookups}), then
 * expiry and scopes. Accepted, the request goes upstream with the key's name in the identity header, the key's id
 * as the principal ({@code key:<id>}), and without the key in its query.
 */
final class ApiKeyGate {

    static final String CHALLENGE = "ApiKey";

    private final ApiKeyAuth spec;
    private final ApiKeyLookups lookups;
    private final IdentityHeaders identity;
    private final Set<String> identityHeaders;
    private final AuthGatewayFilterFactory.Outcomes outcomes;

    ApiKeyGate(ApiKeyAuth spec, ApiKeyLookups lookups, IdentityHeaders identity, Set<String> identityHeaders,
            AuthGatewayFilterFactory.Outcomes outcomes) {
        this.spec = spec;
        this.lookups = lookups;
        this.identity = identity;
        this.identityHeaders = identityHeaders;
        this.outcomes = outcomes;
    }

    /** The key the request brings, or {@code null}. */
    String presented(ServerWebExchange exchange) {
        String header = spec.headerOrDefault();
        String key = header != null ? exchange.getRequest().getHeaders().getFirst(header) : null;
        if ((key == null || key.isBlank()) && spec.query() != null) {
            key = exchange.getRequest().getQueryParams().getFirst(spec.query());
        }
        return key == null || key.isBlank() ? null : key.trim();
    }

    /** @param presented the key the request brings ({@link #presented}) */
    Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain, String presented) {
        if (lookups == null) {
            return unavailable(exchange);
        }
        return lookups.lookup(presented).flatMap(lookup -> switch (lookup.status()) {
            case UNAVAILABLE -> unavailable(exchange);
            case UNKNOWN -> invalid(exchange, "invalid_key", "The API key is not one this gateway knows");
            case FOUND -> {
                ApiKey key = lookup.key();
                if (key.expiredAt(Instant.now())) {
                    yield invalid(exchange, "expired_key", "The API key expired at " + key.expiresAt());
                }
                List<String> missing = spec.scopesOrNone().stream().filter(s -> !key.scopes().contains(s)).toList();
                if (!missing.isEmpty()) {
                    outcomes.forbidden.increment();
                    yield AuthGatewayFilterFactory.refuse(exchange, 403, "insufficient_scope",
                            "The API key lacks the scopes " + String.join(", ", missing), CHALLENGE);
                }
                outcomes.accepted.increment();
                yield chain.filter(identify(exchange, key));
            }
        });
    }

    private Mono<Void> invalid(ServerWebExchange exchange, String code, String detail) {
        outcomes.invalid.increment();
        return AuthGatewayFilterFactory.refuse(exchange, 401, code, detail, CHALLENGE);
    }

    private Mono<Void> unavailable(ServerWebExchange exchange) {
        outcomes.unavailable.increment();
        exchange.getResponse().getHeaders().set("Retry-After", "1");
        return AuthGatewayFilterFactory.refuse(exchange, 503, "auth_unavailable",
                "API keys cannot be checked just now; try again shortly", CHALLENGE);
    }

    /** Upstream: the key's name in its header (client copies of the identity headers removed), no key in the query. */
    private ServerWebExchange identify(ServerWebExchange exchange, ApiKey key) {
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpRequest.Builder next = request.mutate().headers(headers -> {
            identityHeaders.forEach(headers::remove);
            if (spec.headerOrDefault() != null) {
                headers.remove(spec.headerOrDefault());
            }
            headers.set(identity.keyNameOrDefault(), key.name());
        });
        if (spec.query() != null && request.getQueryParams().containsKey(spec.query())) {
            URI without = UriComponentsBuilder.fromUri(request.getURI()).replaceQueryParam(spec.query()).build(true).toUri();
            ServerWebExchangeUtils.addOriginalRequestUrl(exchange, request.getURI());
            next.uri(without);
        }
        Principal principal = () -> "key:" + key.id();
        return exchange.mutate().request(next.build()).principal(Mono.just(principal)).build();
    }
}
