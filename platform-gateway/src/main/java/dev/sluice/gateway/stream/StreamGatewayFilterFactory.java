package dev.sluice.gateway.stream;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.http.HttpStatus;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code stream}: a cap on the route's open streams (WebSocket sessions, server-sent event responses) and an idle
 * timeout on their connections. Runs after authentication, the rate limit and the bulkhead, so a WebSocket handshake
 * is authenticated and counted like any request before a stream is opened. Spring Cloud Gateway itself passes the
 * upgrade to {@code ws://} upstreams (and to {@code http://} ones, as {@code ws://}), and writes streamed media types
 * through as they arrive.
 */
public class StreamGatewayFilterFactory implements RoutePolicy<StreamPolicy> {

    /** After the bulkhead (-250), before validation (-200). */
    public static final int ORDER = -240;

    /** Policies that read a whole body, which a stream does not have. */
    private static final Set<String> BUFFERING = Set.of("cache", "validate");

    private final MeterRegistry meters;
    /** A route's count of open streams survives a route table swap while its cap is unchanged: the streams do. */
    private final Map<String, Cap> caps = new ConcurrentHashMap<>();

    private record Cap(int max, Semaphore open) {
        int inUse() {
            return max - open.availablePermits();
        }
    }

    public StreamGatewayFilterFactory(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public String field() {
        return "stream";
    }

    @Override
    public Type specType() {
        return StreamPolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(StreamPolicy spec, Violations v) {
        spec.validate(v);
    }

    /** A streaming route ({@code stream}, or a {@code ws://} upstream) takes no policy that buffers a whole body. */
    @Override
    public void validateTable(List<RouteDocument> routes, Violations v) {
        for (int i = 0; i < routes.size(); i++) {
            RouteDocument route = routes.get(i);
            boolean streaming = route.policy(this) != null || isWebSocket(route.uri());
            if (!streaming) {
                continue;
            }
            for (String buffering : BUFFERING) {
                if (route.policies().containsKey(buffering)) {
                    v.at(i).add(buffering, "cannot be used on a streaming route (stream, or a ws:// upstream)");
                }
            }
        }
    }

    private static boolean isWebSocket(String uri) {
        String lower = uri == null ? "" : uri.toLowerCase(Locale.ROOT);
        return lower.startsWith("ws://") || lower.startsWith("wss://");
    }

    @Override
    public GatewayFilter apply(RouteDocument route, StreamPolicy spec, Violations violations) {
        int max = spec.maxConnectionsOrDefault();
        Cap cap = caps.compute(route.id(), (id, existing) -> {
            if (existing != null && existing.max() == max) {
                return existing;
            }
            Gauge.builder("sluice.gateway.streams.open", caps, all -> all.containsKey(id) ? all.get(id).inUse() : 0)
                    .description("Open streams (WebSocket sessions, streamed responses)").tag("route", id)
                    .register(meters);
            return new Cap(max, new Semaphore(max));
        });
        Semaphore open = cap.open();
        GatewayProblem full = GatewayProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "stream_limit",
                "Route '" + route.id() + "' has " + max + " open streams; try again shortly");
        return (exchange, chain) -> {
            if (!open.tryAcquire()) {
                exchange.getResponse().getHeaders().set("Retry-After", "1");
                return ProblemResponses.write(exchange, full);
            }
            Channel channel = IdleConnectionCloser.install(exchange, spec.idleTimeoutOrDefault());
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    open.release();
                    IdleConnectionCloser.remove(channel);
                }
            };
            return chain.filter(exchange).doFinally(signal -> {
                // A WebSocket session outlives the exchange, which ends with the handshake: once the connection
                // is upgraded it is the session's alone, and its end is the connection's close.
                if (channel != null && IdleConnectionCloser.upgraded(channel) && channel.isOpen()) {
                    channel.closeFuture().addListener(closed -> release.run());
                }
                else {
                    release.run();
                }
            });
        };
    }
}
