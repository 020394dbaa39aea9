package dev.sluice.gateway.problem;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes a {@link GatewayProblem} as the response, from a filter or the error handler. */
public final class ProblemResponses {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {
    }

    /** The problem's JSON body, for a response written another way (such as by a response decorator). */
    public static byte[] bytes(GatewayProblem problem, String instance) {
        return JSON.writeValueAsBytes(problem.body(instance));
    }

    public static Mono<Void> write(ServerWebExchange exchange, GatewayProblem problem) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty(); // too late to change the answer; the connection is closed by the caller's error
        }
        byte[] bytes = bytes(problem, exchange.getRequest().getPath().value());
        response.setStatusCode(problem.status());
        response.getHeaders().setContentType(PROBLEM_JSON);
        response.getHeaders().setContentLength(bytes.length);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }
}
