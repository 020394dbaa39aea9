package dev.sluice.gateway.protection;

import dev.sluice.gateway.pipeline.FilterOrder;
import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import dev.sluice.gateway.support.BufferedBody;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code sluice.gateway.max-body-size} on every route: a declared {@code Content-Length} beyond it answers 413 before
 * anything is sent upstream; a chunked body is counted as it streams and cut off at the limit (413 when the
 * upstream has not answered yet). Requests without a body pay one header lookup.
 */
public class RequestSizeLimitFilter implements GlobalFilter, Ordered {

    private final long maxBytes;
    private final GatewayProblem tooLarge;

    public RequestSizeLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
        this.tooLarge = GatewayProblem.of(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                "The request body is larger than " + maxBytes + " bytes");
    }

    @Override
    public int getOrder() {
        return FilterOrder.REQUEST_SIZE_LIMIT;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return ProblemResponses.write(exchange, tooLarge);
        }
        if (declared >= 0 || !request.getHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return chain.filter(exchange);
        }
        AtomicLong seen = new AtomicLong();
        ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return super.getBody().map(buffer -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > maxBytes) {
                        DataBufferUtils.release(buffer);
                        throw new BufferedBody.BodyTooLargeException(maxBytes);
                    }
                    return buffer;
                });
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }
}
