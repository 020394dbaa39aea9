package dev.sluice.gateway.admin;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.auth.ApiKeys;
import dev.sluice.gateway.route.InvalidRoutesException;
import dev.sluice.gateway.route.RouteJson;
import dev.sluice.gateway.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

/** Admin API answers: JSON written by the route model's own mapper, and problem+json for every failure. */
final class AdminResponses {

    private static final Logger log = LoggerFactory.getLogger(AdminResponses.class);

    private AdminResponses() {
    }

    static Mono<ServerResponse> json(ServerResponse.BodyBuilder builder, Object body) {
        return builder.contentType(MediaType.APPLICATION_JSON).bodyValue(RouteJson.mapper().writeValueAsString(body));
    }

    static Mono<ServerResponse> ok(Object body) {
        return json(ServerResponse.ok(), body);
    }

    static String etag(long revision) {
        return "\"" + revision + "\"";
    }

    static GatewayProblem problemFor(Throwable error) {
        if (error instanceof AdminProblemException admin) {
            return admin.problem();
        }
        if (error instanceof InvalidRoutesException invalid) {
            List<Map<String, String>> errors = invalid.violations().stream()
                    .map(v -> Map.of("field", v.field(), "message", v.message())).toList();
            return GatewayProblem.of(HttpStatus.BAD_REQUEST, "invalid_config",
                    "The config is invalid: " + errors.size() + " violation(s), listed by field").with("errors", errors);
        }
        if (error instanceof ApiKeys.ApiKeysUnavailableException) {
            return GatewayProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                    "The API key store (Redis) is unavailable; nothing is known to have changed. Try again shortly.");
        }
        if (error instanceof StoreUnavailableException) {
            return GatewayProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                    "The config store (Redis) is unavailable; nothing was changed. Try again shortly.");
        }
        log.error("Admin API call failed", error);
        return GatewayProblem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "The call failed; see the gateway log");
    }

    static Mono<ServerResponse> problem(ServerRequest request, GatewayProblem problem) {
        ServerResponse.BodyBuilder builder = ServerResponse.status(problem.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            builder.header("Retry-After", "1");
        }
        return builder.bodyValue(RouteJson.mapper().writeValueAsString(problem.body(request.path())));
    }
}
