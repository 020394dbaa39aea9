package dev.sluice.gateway.support;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads a request body into memory, up to a limit, and hands on a request that replays it as often as it is read:
 * for validation, and for retries that must send the body again. Filters share one buffered copy per exchange.
 */
public final class BufferedBody {

    private static final String ATTRIBUTE = BufferedBody.class.getName();
    private static final byte[] EMPTY = new byte[0];

    private BufferedBody() {
    }

    /** The body buffered earlier on this exchange, or {@code null}. */
    public static byte[] of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    public static boolean hasBody(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    /**
     * Buffers the body and returns the exchange to continue with.
     *
     * @throws BodyTooLargeException (as the Mono's error) beyond {@code maxBytes}
     */
    public static Mono<ServerWebExchange> buffer(ServerWebExchange exchange, long maxBytes) {
        if (of(exchange) != null) {
            return Mono.just(exchange);
        }
        ServerHttpRequest request = exchange.getRequest();
        if (request.getHeaders().getContentLength() > maxBytes) {
            return Mono.error(new BodyTooLargeException(maxBytes));
        }
        if (!hasBody(request)) {
            exchange.getAttributes().put(ATTRIBUTE, EMPTY);
            return Mono.just(exchange);
        }
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes);
        return DataBufferUtils.join(request.getBody(), limit)
                .onErrorMap(DataBufferLimitException.class, e -> new BodyTooLargeException(maxBytes))
                .map(joined -> {
                    byte[] bytes = new byte[joined.readableByteCount()];
                    joined.read(bytes);
                    DataBufferUtils.release(joined);
                    return bytes;
                })
                .defaultIfEmpty(EMPTY)
                .map(bytes -> {
                    exchange.getAttributes().put(ATTRIBUTE, bytes);
                    ServerHttpRequest replaying = new ServerHttpRequestDecorator(request) {
                        @Override
                        public Flux<DataBuffer> getBody() {
                            return Flux.defer(() -> bytes.length == 0 ? Flux.empty()
                                    : Flux.just(exchange.getResponse().bufferFactory().wrap(bytes)));
                        }
                    };
                    return exchange.mutate().request(replaying).build();
                });
    }

    /** The body is over the limit; answered 413. */
    public static final class BodyTooLargeException extends RuntimeException {
        private final long limit;

        public BodyTooLargeException(long limit) {
            super("request body larger than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }
}
