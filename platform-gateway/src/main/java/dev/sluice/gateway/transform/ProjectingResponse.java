package dev.sluice.gateway.transform;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The response with its JSON body projected on the way out: read whole (bounded), projected, written with its new
 * length. Anything but a successful JSON answer passes untouched. A body over the bound, or one that is not JSON
 * after all, answers 502 problem+json: passing it unprojected could show the client what the route hides.
 */
final class ProjectingResponse extends ServerHttpResponseDecorator {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JsonProjection projection;
    private final String path;

    ProjectingResponse(ServerHttpResponse delegate, JsonProjection projection, String path) {
        super(delegate);
        this.projection = projection;
        this.path = path;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        if (!projected()) {
            return super.writeWith(body);
        }
        return DataBufferUtils.join(Flux.from(body), (int) Math.min(Integer.MAX_VALUE, projection.maxBytes()))
                .map(joined -> {
                    try {
                        byte[] bytes = new byte[joined.readableByteCount()];
                        joined.read(bytes);
                        return JSON.writeValueAsBytes(projection.project(JSON.readTree(bytes)));
                    }
                    finally {
                        DataBufferUtils.release(joined);
                    }
                })
                .flatMap(bytes -> {
                    getHeaders().setContentLength(bytes.length);
                    return super.writeWith(Mono.just(bufferFactory().wrap(bytes)));
                })
                .switchIfEmpty(Mono.defer(() -> super.writeWith(Flux.empty())))
                .onErrorResume(DataBufferLimitException.class, e -> refuse("response_too_large",
                        "The upstream's answer is larger than this route's JSON projection reads"))
                .onErrorResume(JacksonException.class, e -> refuse("bad_upstream_json",
                        "The upstream's answer is not the JSON this route projects"));
    }

    private boolean projected() {
        HttpStatus status = getStatusCode() != null ? HttpStatus.resolve(getStatusCode().value()) : null;
        MediaType type = getHeaders().getContentType();
        return status != null && status.is2xxSuccessful() && type != null
                && (MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json"));
    }

    private Mono<Void> refuse(String code, String detail) {
        if (isCommitted()) {
            return Mono.empty();
        }
        byte[] bytes = ProblemResponses.bytes(GatewayProblem.of(HttpStatus.BAD_GATEWAY, code, detail), path);
        setStatusCode(HttpStatus.BAD_GATEWAY);
        HttpHeaders headers = getHeaders();
        headers.remove(HttpHeaders.CONTENT_ENCODING);
        headers.setContentType(ProblemResponses.PROBLEM_JSON);
        headers.setContentLength(bytes.length);
        return super.writeWith(Mono.just(bufferFactory().wrap(bytes)));
    }
}
