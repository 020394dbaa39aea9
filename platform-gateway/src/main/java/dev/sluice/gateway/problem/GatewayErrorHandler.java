package dev.sluice.gateway.problem;

import dev.sluice.gateway.support.BufferedBody;
import dev.sluice.gateway.support.UpstreamFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.concurrent.TimeoutException;

/**
 * Every error the gateway itself answers is problem+json with a stable type and no stack trace. Runs before Boot's
 * default handler. Upstream answers are passed through untouched; this only sees what failed in the gateway.
 */
@Order(-2)
public class GatewayErrorHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrorHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            // Too late for a problem: pass the error on so the server closes the connection instead of leaving it open.
            log.warn("Error after the answer to {} {} had started", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), error);
            return Mono.error(error);
        }
        return ProblemResponses.write(exchange, problemFor(error, exchange));
    }

    static GatewayProblem problemFor(Throwable error, ServerWebExchange exchange) {
        if (error instanceof BufferedBody.BodyTooLargeException tooLarge) {
            return GatewayProblem.of(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                    "The request body is larger than " + tooLarge.limit() + " bytes");
        }
        GatewayProblem problem = upstreamProblem(error);
        if (problem == null) {
            log.error("Unexpected gateway error on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), error);
            return GatewayProblem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "The gateway failed to handle the request");
        }
        if (problem.status().is5xxServerError()
                && UpstreamFailures.outcomeUnknown(exchange.getRequest().getMethod(), error)) {
            // The client must not read "not done" into it: a POST cut off by a timeout may have placed an order.
            return problem.withDetail(problem.detail() + "; the request may have been carried out, so check before"
                    + " sending it again (with the same Idempotency-Key where the service takes one)")
                    .with("outcome", "unknown");
        }
        return problem;
    }

    /** The problem for a failure the gateway knows, null for one it does not. */
    private static GatewayProblem upstreamProblem(Throwable error) {
        if (error instanceof ResponseStatusException status) {
            return forStatus(status.getStatusCode(), status.getReason());
        }
        if (UpstreamFailures.isConnectFailure(error)) {
            return GatewayProblem.of(HttpStatus.BAD_GATEWAY, "upstream_unreachable", "The upstream service could not be reached");
        }
        if (error instanceof TimeoutException || error instanceof io.netty.handler.timeout.TimeoutException) {
            return GatewayProblem.of(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout", "The upstream service did not answer in time");
        }
        return null;
    }

    private static GatewayProblem forStatus(HttpStatusCode code, String reason) {
        HttpStatus status = HttpStatus.resolve(code.value());
        if (status == null) {
            status = HttpStatus.BAD_GATEWAY;
        }
        return switch (status) {
            case NOT_FOUND -> GatewayProblem.of(status, "not_found", "No route matches this request");
            case METHOD_NOT_ALLOWED -> GatewayProblem.of(status, "method_not_allowed", "The method is not allowed here");
            case CONTENT_TOO_LARGE -> GatewayProblem.of(status, "body_too_large", "The request body is too large");
            case UNSUPPORTED_MEDIA_TYPE -> GatewayProblem.of(status, "unsupported_media_type", "The content type is not accepted");
            case SERVICE_UNAVAILABLE -> GatewayProblem.of(status, "no_upstream_available",
                    "No instance of the upstream service is available");
            case GATEWAY_TIMEOUT -> GatewayProblem.of(status, "upstream_timeout", "The upstream service did not answer in time");
            case BAD_GATEWAY -> GatewayProblem.of(status, "bad_gateway", "The upstream service answered badly");
            default -> GatewayProblem.of(status, status.is4xxClientError() ? "bad_request" : "gateway_error",
                    status.is4xxClientError() && reason != null ? reason : status.getReasonPhrase());
        };
    }
}
