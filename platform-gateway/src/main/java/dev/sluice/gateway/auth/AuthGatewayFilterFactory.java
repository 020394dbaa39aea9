package dev.sluice.gateway.auth;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.lang.reflect.Type;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code auth}: refuses a request without a valid bearer JWT or API key (401, 403 for missing scopes, 503 when API
 * keys cannot be checked; problem+json with {@code WWW-Authenticate}), and passes the caller's identity upstream in
 * headers it first clears of any client-sent copy (a refused request goes nowhere, so only an accepted one needs
 * clearing). The JWT's subject, or {@code key:<id>}, becomes the exchange's principal, which the rate limit's
 * {@code principal} key counts by. Runs first among route policies, so that nothing else spends work on an
 * unauthenticated request. JWTs are checked by {@link JwtVerifier}, API keys by {@link ApiKeyGate}.
 */
public class AuthGatewayFilterFactory implements RoutePolicy<AuthPolicy> {

    /** Before the rate limit (-300): the limit may count by the principal this sets. */
    public static final int ORDER = -350;

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final WebClient web;
    private final Duration jwksTimeout;
    private final ApiKeyLookups lookups;
    private final MeterRegistry meters;
    /** A route's verifier, and with it the keys it holds, survives a route table swap while its spec is unchanged. */
    private final Map<String, Held> verifiers = new ConcurrentHashMap<>();

    private record Held(JwtAuth spec, JwtVerifier verifier) {
    }

    /** @param lookups the API keys; {@code null} where none can be had (routes with {@code apiKey} then get 503) */
    public AuthGatewayFilterFactory(WebClient web, Duration jwksTimeout, ApiKeyLookups lookups, MeterRegistry meters) {
        this.web = web;
        this.jwksTimeout = jwksTimeout;
        this.lookups = lookups;
        this.meters = meters;
    }

    @Override
    public String field() {
        return "auth";
    }

    @Override
    public Type specType() {
        return AuthPolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(AuthPolicy spec, Violations v) {
        spec.validate(v);
    }

    /** The JWKS URL is fetched by the gateway, so the SSRF guard checks it as it checks upstreams. */
    @Override
    public void upstreams(AuthPolicy spec, Violations v, BiConsumer<String, Violations> check) {
        if (spec.jwt() != null && spec.jwt().jwksUri() != null) {
            check.accept(spec.jwt().jwksUri(), v.at("jwt").at("jwksUri"));
        }
    }

    /** Only what compiling finds (keys that do not parse), without replacing a live route's verifier. */
    @Override
    public void check(RouteDocument route, AuthPolicy spec, Violations violations) {
        if (spec.jwt() != null) {
            keys(spec.jwt(), violations.at("jwt"));
        }
    }

    /**
     * The route's gate: a bearer token goes to the JWT check when the route takes JWTs; otherwise an API key to the
     * key check when it takes keys; with neither, 401.
     */
    @Override
    public GatewayFilter apply(RouteDocument route, AuthPolicy spec, Violations violations) {
        IdentityHeaders identity = spec.identityOrDefault();
        Set<String> identityHeaders = new LinkedHashSet<>();
        identityHeaders.add(identity.subjectOrDefault());
        identityHeaders.addAll(identity.claimsOrNone().values());
        identityHeaders.add(identity.keyNameOrDefault());
        Outcomes outcomes = new Outcomes(meters, route.id());
        JwtVerifier verifier = null;
        if (spec.jwt() != null) {
            verifier = verifier(route.id(), spec.jwt(), violations.at("jwt"));
            if (verifier == null) {
                return null;
            }
        }
        JwtVerifier jwt = verifier;
        ApiKeyGate keys = spec.apiKey() != null
                ? new ApiKeyGate(spec.apiKey(), lookups, identity, identityHeaders, outcomes) : null;
        String missing = jwt != null && keys != null ? "This route needs a bearer token or an API key"
                : jwt != null ? "This route needs a bearer token" : "This route needs an API key";
        String missingCode = jwt != null && keys != null ? "missing_credentials" : jwt != null ? "missing_token" : "missing_key";
        String challenge = jwt != null ? "Bearer" : ApiKeyGate.CHALLENGE;
        return (exchange, chain) -> {
            String token = jwt != null ? bearer(exchange.getRequest().getHeaders()) : null;
            if (token != null) {
                return checkJwt(exchange, chain, jwt, token, identity, identityHeaders, outcomes);
            }
            String key = keys != null ? keys.presented(exchange) : null;
            if (key != null) {
                return keys.filter(exchange, chain, key);
            }
            outcomes.missing.increment();
            return refuse(exchange, 401, missingCode, missing, challenge);
        };
    }

    private JwtVerifier verifier(String routeId, JwtAuth jwt, Violations v) {
        Held held = verifiers.get(routeId);
        if (held == null || !held.spec().equals(jwt)) {
            JwkKeys keys = keys(jwt, v);
            if (keys == null) {
                return null;
            }
            held = new Held(jwt, new JwtVerifier(jwt, keys));
            verifiers.put(routeId, held);
        }
        return held.verifier();
    }

    private static Mono<Void> checkJwt(ServerWebExchange exchange, GatewayFilterChain chain, JwtVerifier verifier,
            String token, IdentityHeaders identity, Set<String> identityHeaders, Outcomes outcomes) {
        // A token verified lately is taken at once: no signature check, no reactive detour.
        Jwt recent = verifier.held(token);
        if (recent != null) {
            outcomes.accepted.increment();
            return chain.filter(identify(exchange, recent, identity, identityHeaders));
        }
        return verifier.verify(token).flatMap(outcome -> {
            if (outcome.refusal() != null) {
                JwtVerifier.Refusal refusal = outcome.refusal();
                (refusal.status() == 403 ? outcomes.forbidden : outcomes.invalid).increment();
                String header = refusal.status() == 403 ? challenge(verifier.requiredScopes())
                        : "Bearer error=\"invalid_token\", error_description=\"" + quoted(refusal.detail()) + "\"";
                return refuse(exchange, refusal.status(), refusal.code(), refusal.detail(), header);
            }
            outcomes.accepted.increment();
            return chain.filter(identify(exchange, outcome.jwt(), identity, identityHeaders));
        });
    }

    private JwkKeys keys(JwtAuth jwt, Violations v) {
        if (jwt.jwksUri() != null) {
            return JwkKeys.remote(jwt.jwksUri(), web, jwksTimeout, jwt.jwksRefetchAfterOrDefault());
        }
        try {
            return JwkKeys.fixed(JwtVerifier.parsePems(jwt.publicKeys()));
        }
        catch (IllegalArgumentException e) {
            v.add("publicKeys", e.getMessage());
            return null;
        }
    }

    /**
     * The verified caller, upstream: the client's copies of the identity headers removed, then its subject and chosen
     * claims set in them; its subject as the principal. One mutation of the request, as it costs a copy of its headers.
     */
    private static ServerWebExchange identify(ServerWebExchange exchange, Jwt jwt, IdentityHeaders identity,
            Set<String> identityHeaders) {
        String subject = jwt.getSubject();
        ServerWebExchange.Builder builder = exchange.mutate().request(request -> request.headers(headers -> {
            identityHeaders.forEach(headers::remove);
            if (subject != null) {
                headers.set(identity.subjectOrDefault(), headerValue(subject));
            }
            identity.claimsOrNone().forEach((claim, header) -> {
                String value = claimValue(jwt.getClaims().get(claim));
                if (value != null) {
                    headers.set(header, value);
                }
            });
        }));
        if (subject != null) {
            Principal principal = () -> subject;
            builder.principal(Mono.just(principal));
        }
        return builder.build();
    }

    private static String claimValue(Object value) {
        if (value == null || value instanceof Map<?, ?>) {
            return null;
        }
        if (value instanceof Collection<?> list) {
            return headerValue(list.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (value instanceof Instant instant) {
            return String.valueOf(instant.getEpochSecond());
        }
        return headerValue(String.valueOf(value));
    }

    /** No control characters (a header cannot carry them) and a bounded length. */
    private static String headerValue(String value) {
        String clean = value.chars().anyMatch(Character::isISOControl) ? CONTROL.matcher(value).replaceAll("") : value;
        return clean.length() > 1024 ? clean.substring(0, 1024) : clean;
    }

    private static String bearer(HttpHeaders headers) {
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static String challenge(List<String> scopes) {
        return "Bearer error=\"insufficient_scope\", scope=\"" + quoted(String.join(" ", scopes)) + "\"";
    }

    private static String quoted(String text) {
        return text.replace("\\", "").replace("\"", "'");
    }

    static Mono<Void> refuse(ServerWebExchange exchange, int status, String code, String detail,
            String challenge) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        return ProblemResponses.write(exchange, GatewayProblem.of(HttpStatus.valueOf(status), code, detail));
    }

    /**
     * {@code sluice.gateway.auth{route, outcome}}: accepted, missing, invalid (401), forbidden (403) and unavailable
     * (503, API keys with Redis away).
     */
    static final class Outcomes {
        final Counter accepted;
        final Counter missing;
        final Counter invalid;
        final Counter forbidden;
        final Counter unavailable;

        Outcomes(MeterRegistry meters, String route) {
            unavailable = meters.counter("sluice.gateway.auth", "route", route, "outcome", "unavailable");
            accepted = meters.counter("sluice.gateway.auth", "route", route, "outcome", "accepted");
            missing = meters.counter("sluice.gateway.auth", "route", route, "outcome", "missing");
            invalid = meters.counter("sluice.gateway.auth", "route", route, "outcome", "invalid");
            forbidden = meters.counter("sluice.gateway.auth", "route", route, "outcome", "forbidden");
        }
    }
}
