package dev.sluice.gateway.cache;

import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code cache}: GET and HEAD answers with status 200 are kept in the Redis Cluster ({@link ResponseCache}), so every
 * gateway node serves the same entry. {@code Cache-Control} ({@code no-store}, {@code private}, {@code max-age})
 * and {@code Vary} are honoured, and the route's {@code ttl} and {@code maxBodySize} apply. Answers carry
 * {@code X-Cache: HIT | MISS}. While one request of this node fills an entry, others for the same URL wait for it
 * instead of all going upstream. With Redis away, requests go upstream uncached.
 */
public class ResponseCacheGatewayFilterFactory implements RoutePolicy<CachePolicy> {

    /** Answers from the shared cache after validation, or captures the upstream's answer for it. */
    public static final int ORDER = -150;

    @Override
    public String field() {
        return "cache";
    }

    @Override
    public Type specType() {
        return CachePolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(CachePolicy spec, Violations v) {
        spec.validate(v);
    }

    public static final String CACHE_HEADER = "X-Cache";
    private static final Set<String> NOT_STORED = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "proxy-authenticate", "proxy-authorization", "set-cookie", "date", "content-length", "x-cache",
            "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset");

    private final ResponseCache cache;
    private final MeterRegistry meters;
    /** This node's fills in progress, by route and URL: the no-stampede rule. */
    private final Map<String, Sinks.One<Optional<CachedResponse>>> filling = new ConcurrentHashMap<>();

    public ResponseCacheGatewayFilterFactory(ResponseCache cache, MeterRegistry meters) {
        this.cache = cache;
        this.meters = meters;
    }

    @Override
    public GatewayFilter apply(RouteDocument route, CachePolicy policy, Violations violations) {
        Duration ttl = policy.ttl();
        long maxBytes = policy.maxBodySizeOrDefault().toBytes();
        Counter hit = counter(route.id(), "hit");
        Counter miss = counter(route.id(), "miss");
        Duration wait = route.timeoutOr(Duration.ofSeconds(30));
        return new OrderedGatewayFilter((exchange, chain) -> {
            HttpMethod method = exchange.getRequest().getMethod();
            if ((method != HttpMethod.GET && method != HttpMethod.HEAD) || CacheControl.requestBypasses(exchange.getRequest().getHeaders())) {
                return chain.filter(exchange);
            }
            String fillKey = ResponseCache.key(route.id(), exchange);
            // Optional, not switchIfEmpty: a replayed HIT completes empty too, and must not also go upstream.
            return cache.lookup(route.id(), exchange)
                    .filter(entry -> entry.isFresh(System.currentTimeMillis()))
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .flatMap(found -> {
                        if (found.isPresent()) {
                            hit.increment();
                            return replay(exchange, found.get(), "HIT");
                        }
                        if (method == HttpMethod.HEAD) { // a HEAD answer has no body to store: only GET fills
                            miss.increment();
                            exchange.getResponse().getHeaders().set(CACHE_HEADER, "MISS");
                            return chain.filter(exchange);
                        }
                        Sinks.One<Optional<CachedResponse>> mine = Sinks.one();
                        Sinks.One<Optional<CachedResponse>> leader = filling.putIfAbsent(fillKey, mine);
                        if (leader != null) {
                            return followLeader(exchange, chain, leader, wait, hit, miss);
                        }
                        miss.increment();
                        return fill(exchange, chain, route.id(), ttl, maxBytes, mine)
                                .doFinally(signal -> {
                                    filling.remove(fillKey, mine);
                                    mine.tryEmitValue(Optional.empty()); // no-op if the fill already published
                                });
                    });
        }, ORDER);
    }

    /** Waits for this node's request that is filling the entry, then answers from it if it fits this request. */
    private Mono<Void> followLeader(ServerWebExchange exchange, GatewayFilterChain chain,
            Sinks.One<Optional<CachedResponse>> leader, Duration wait, Counter hit, Counter miss) {
        return leader.asMono().timeout(wait, Mono.just(Optional.empty())).flatMap(result -> {
            Optional<CachedResponse> usable = result.filter(entry -> entry.variant()
                    .equals(ResponseCache.variant(entry.vary(), exchange.getRequest().getHeaders())));
            if (usable.isPresent()) {
                hit.increment();
                return replay(exchange, usable.get(), "HIT");
            }
            miss.increment();
            exchange.getResponse().getHeaders().set(CACHE_HEADER, "MISS");
            return chain.filter(exchange);
        });
    }

    private Mono<Void> fill(ServerWebExchange exchange, GatewayFilterChain chain, String routeId, Duration ttl,
            long maxBytes, Sinks.One<Optional<CachedResponse>> result) {
        exchange.getResponse().getHeaders().set(CACHE_HEADER, "MISS");
        ServerHttpResponseDecorator capturing = new ServerHttpResponseDecorator(exchange.getResponse()) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                ServerHttpResponse response = getDelegate();
                CacheControl control = CacheControl.of(response.getHeaders(), ttl);
                if (response.getStatusCode() != HttpStatus.OK || !control.storable()
                        || response.getHeaders().getContentLength() > maxBytes) {
                    return super.writeWith(body);
                }
                ByteArrayOutputStream copy = new ByteArrayOutputStream();
                boolean[] tooLarge = {false};
                Flux<DataBuffer> teed = Flux.from(body).map(buffer -> {
                    if (!tooLarge[0]) {
                        if (copy.size() + buffer.readableByteCount() > maxBytes) {
                            tooLarge[0] = true;
                        }
                        else {
                            byte[] bytes = new byte[buffer.readableByteCount()];
                            int position = buffer.readPosition();
                            buffer.read(bytes);
                            buffer.readPosition(position); // copied, not consumed: the client still gets it
                            copy.writeBytes(bytes);
                        }
                    }
                    return buffer;
                });
                return super.writeWith(teed).then(Mono.defer(() -> {
                    if (tooLarge[0]) {
                        return Mono.empty();
                    }
                    CachedResponse entry = entryOf(response, copy.toByteArray(), control.maxAge(),
                            exchange.getRequest().getHeaders());
                    result.tryEmitValue(Optional.of(entry));
                    cache.store(routeId, exchange, entry).subscribe();
                    return Mono.empty();
                }));
            }
        };
        return chain.filter(exchange.mutate().response(capturing).build());
    }

    private static CachedResponse entryOf(ServerHttpResponse response, byte[] body, Duration maxAge, HttpHeaders request) {
        HttpHeaders kept = new HttpHeaders();
        response.getHeaders().forEach((name, values) -> {
            if (!NOT_STORED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                kept.put(name, values);
            }
        });
        List<String> vary = ResponseCache.varyOf(response.getHeaders());
        long now = System.currentTimeMillis();
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        kept.forEach(headers::put);
        return new CachedResponse(200, headers, body, now, now + maxAge.toMillis(), vary, ResponseCache.variant(vary, request));
    }

    /** Answers from an entry: its status, headers and body, with its age and how it was served. */
    public static Mono<Void> replay(ServerWebExchange exchange, CachedResponse entry, String how) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.valueOf(entry.status()));
        entry.headers().forEach((name, values) -> response.getHeaders().put(name, values));
        response.getHeaders().set(CACHE_HEADER, how);
        response.getHeaders().set(HttpHeaders.AGE, String.valueOf(Math.max(0, (System.currentTimeMillis() - entry.storedAt()) / 1000)));
        if (exchange.getRequest().getMethod() == HttpMethod.HEAD) {
            // No Content-Length here: with one and no body, Reactor Netty kept the connection from reading the next request.
            return response.setComplete();
        }
        response.getHeaders().setContentLength(entry.body().length);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(entry.body())));
    }

    private Counter counter(String routeId, String result) {
        return meters.counter("sluice.gateway.cache", "route", routeId, "result", result);
    }
}
