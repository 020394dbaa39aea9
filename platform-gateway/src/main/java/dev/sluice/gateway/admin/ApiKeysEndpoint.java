package dev.sluice.gateway.admin;

import dev.sluice.gateway.auth.ApiKey;
import dev.sluice.gateway.auth.ApiKeys;
import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.route.RouteJson;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /admin/v1/api-keys}: make a key (shown once, in the answer), list them (never with the key), revoke one.
 * The keys live in the Redis Cluster ({@link ApiKeys}); every node sees a change within its lookups' few seconds.
 */
class ApiKeysEndpoint {

    /**
     * The body of a new key.
     *
     * @param name      who or what holds it, 1-100 characters
     * @param scopes    what it may do
     * @param expiresAt when it stops working (ISO-8601), or
     * @param expiresIn how long from now it works ({@code 30d} is written {@code 720h})
     */
    record NewKey(String name, List<String> scopes, Instant expiresAt, Duration expiresIn) {
    }

    private final Supplier<ApiKeys> keys;
    private final long maxBodyBytes;

    ApiKeysEndpoint(Supplier<ApiKeys> keys, long maxBodyBytes) {
        this.keys = keys;
        this.maxBodyBytes = maxBodyBytes;
    }

    Mono<ServerResponse> create(ServerRequest request) {
        return AdminRequests.body(request, maxBodyBytes).flatMap(text -> {
            NewKey body = parse(text);
            Instant expiresAt = body.expiresAt() != null ? body.expiresAt()
                    : body.expiresIn() != null ? Instant.now().plus(body.expiresIn()) : null;
            return AdminRequests.blocking(() -> store().create(body.name(),
                    body.scopes() != null ? body.scopes() : List.of(), expiresAt));
        }).flatMap(created -> {
            AdminRequests.audited(request, null, "created API key " + created.record().id() + " (" + created.record().name() + ")");
            Map<String, Object> answer = describe(created.record());
            answer.put("key", created.key());
            return AdminResponses.json(ServerResponse.created(URI.create("/admin/v1/api-keys/" + created.record().id())),
                    answer);
        });
    }

    Mono<ServerResponse> list(ServerRequest request) {
        return AdminRequests.blocking(() -> store().list())
                .flatMap(all -> AdminResponses.ok(Map.of("keys", all.stream().map(ApiKeysEndpoint::describe).toList())));
    }

    Mono<ServerResponse> revoke(ServerRequest request) {
        String id = request.pathVariable("id");
        return AdminRequests.blocking(() -> store().revoke(id)).flatMap(existed -> {
            if (!existed) {
                return Mono.error(new AdminProblemException(HttpStatus.NOT_FOUND, "api_key_not_found",
                        "No API key has the id '" + id + "'"));
            }
            AdminRequests.audited(request, null, "revoked API key " + id);
            return ServerResponse.noContent().build();
        });
    }

    private ApiKeys store() {
        ApiKeys store = keys.get();
        if (store == null) {
            throw new AdminProblemException(HttpStatus.NOT_FOUND, "api_keys_off", "This gateway keeps no API keys");
        }
        return store;
    }

    private static Map<String, Object> describe(ApiKey key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.id());
        out.put("name", key.name());
        out.put("scopes", key.scopes());
        out.put("createdAt", key.createdAt().toString());
        if (key.expiresAt() != null) {
            out.put("expiresAt", key.expiresAt().toString());
        }
        return out;
    }

    /** The body, every violation listed by field. */
    static NewKey parse(String text) {
        NewKey body;
        try {
            body = RouteJson.mapper().readValue(text, NewKey.class);
        }
        catch (JacksonException e) {
            throw new AdminProblemException(GatewayProblem.invalid("The body is not a new API key",
                    List.of(Map.of("field", "(document)", "message", RouteJson.firstLine(e.getOriginalMessage())))));
        }
        List<Map<String, String>> errors = new ArrayList<>();
        if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 100
                || body.name().chars().anyMatch(Character::isISOControl)) {
            errors.add(Map.of("field", "name", "message", "is required: 1-100 characters, no control characters"));
        }
        if (body != null && body.scopes() != null) {
            for (int i = 0; i < body.scopes().size(); i++) {
                String scope = body.scopes().get(i);
                if (scope == null || scope.isBlank() || scope.chars().anyMatch(c -> c <= 32)) {
                    errors.add(Map.of("field", "scopes[" + i + "]", "message", "must be a word without spaces"));
                }
            }
        }
        if (body != null && body.expiresAt() != null && body.expiresIn() != null) {
            errors.add(Map.of("field", "expiresIn", "message", "cannot be given with expiresAt"));
        }
        if (body != null && body.expiresAt() != null && !body.expiresAt().isAfter(Instant.now())) {
            errors.add(Map.of("field", "expiresAt", "message", "must be in the future"));
        }
        if (body != null && body.expiresIn() != null && (body.expiresIn().isNegative() || body.expiresIn().isZero())) {
            errors.add(Map.of("field", "expiresIn", "message", "must be above 0"));
        }
        if (!errors.isEmpty()) {
            throw new AdminProblemException(GatewayProblem.invalid("The new API key is invalid", errors));
        }
        return body;
    }
}
