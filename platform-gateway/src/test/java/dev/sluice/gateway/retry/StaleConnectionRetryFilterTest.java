package dev.sluice.gateway.retry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resend decisions, with the upstream call's failures injected through the chain. Reactor Netty's "pool of
 * closed connections" failure cannot be brought about at will against a real upstream, so this is where that path is
 * pinned down; {@link StaleConnectionRetryTest} covers the dropped connections end to end.
 */
class StaleConnectionRetryFilterTest {

    static final IOException POOL_OF_CLOSED = new IOException(
            "Error while acquiring from reactor.netty.internal.shaded.reactor.pool.SimpleDequePool@1");
    static final SocketException RESET = new SocketException("Connection reset");

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final StaleConnectionRetryFilter filter = new StaleConnectionRetryFilter(meters);

    @Test
    void aPostWithoutAKeyIsResentWhenThePoolHadOnlyClosedConnectionsSinceNothingWasSent() {
        Upstream upstream = new Upstream(Call.fails(POOL_OF_CLOSED, false), Call.answers());
        assertThat(outcome(filter.filter(exchange(MockServerHttpRequest.post("/orders")), upstream))).isNull();
        assertThat(upstream.calls).isEqualTo(2);
        assertThat(staleRetries()).isEqualTo(1.0);
    }

    @Test
    void thePoolFailureIsResentAtMostThreeTimesAndThenPassedOn() {
        Upstream upstream = new Upstream(Call.fails(POOL_OF_CLOSED, false), Call.fails(POOL_OF_CLOSED, false),
                Call.fails(POOL_OF_CLOSED, false), Call.fails(POOL_OF_CLOSED, false), Call.answers());
        assertThat(outcome(filter.filter(exchange(MockServerHttpRequest.get("/items")), upstream)))
                .isSameAs(POOL_OF_CLOSED);
        assertThat(upstream.calls).isEqualTo(1 + StaleConnectionRetryFilter.MAX_RESENDS);
        assertThat(staleRetries()).isEqualTo(StaleConnectionRetryFilter.MAX_RESENDS);
    }

    @Test
    void aGetDroppedOnAReusedConnectionIsResentButNotOnAConnectionOpenedForIt() {
        Upstream reused = new Upstream(Call.fails(RESET, true), Call.answers());
        assertThat(outcome(filter.filter(exchange(MockServerHttpRequest.get("/items")), reused))).isNull();
        assertThat(reused.calls).isEqualTo(2);

        Upstream fresh = new Upstream(Call.fails(RESET, false), Call.answers());
        assertThat(outcome(filter.filter(exchange(MockServerHttpRequest.get("/items")), fresh))).isSameAs(RESET);
        assertThat(fresh.calls).isEqualTo(1);
    }

    @Test
    void aPostWithoutAKeyDroppedOnAReusedConnectionIsNotResent() {
        Upstream upstream = new Upstream(Call.fails(RESET, true), Call.answers());
        assertThat(outcome(filter.filter(exchange(MockServerHttpRequest.post("/orders")), upstream))).isSameAs(RESET);
        assertThat(upstream.calls).isEqualTo(1);
        assertThat(staleRetries()).isZero();
    }

    @Test
    void nothingIsResentOnceTheResponseHasStarted() {
        Upstream upstream = new Upstream(Call.commitsThenFails(POOL_OF_CLOSED), Call.answers());
        assertThat(outcome(filter.filter(exchange(MockServerHttpRequest.get("/items")), upstream)))
                .isSameAs(POOL_OF_CLOSED);
        assertThat(upstream.calls).isEqualTo(1);
    }

    @Test
    void aBodyThatWasNotBufferedIsNeverResent() {
        Upstream upstream = new Upstream(Call.fails(POOL_OF_CLOSED, false), Call.answers());
        MockServerHttpRequest.BodyBuilder put = MockServerHttpRequest.put("/items/a").contentLength(2);
        assertThat(outcome(filter.filter(exchange(put), upstream))).isSameAs(POOL_OF_CLOSED);
        assertThat(upstream.calls).isEqualTo(1);
    }

    /** The error the filter ended with, or {@code null} when it completed. */
    private static Throwable outcome(Mono<Void> filtered) {
        return filtered.<Throwable>then(Mono.empty()).onErrorResume(Mono::just).block(Duration.ofSeconds(5));
    }

    private static ServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request) {
        return MockServerWebExchange.from(request);
    }

    private double staleRetries() {
        var counter = meters.find("sluice.gateway.retries").tags("outcome", "stale_connection").counter();
        return counter == null ? 0 : counter.count();
    }

    /** What one upstream call does. */
    interface Call {
        Mono<Void> run(ServerWebExchange exchange);

        static Call answers() {
            return exchange -> Mono.empty();
        }

        /** Fails, after {@link ConnectionReuse} would have said whether the connection carried a request before. */
        static Call fails(Throwable error, boolean reusedConnection) {
            return exchange -> Mono.deferContextual(context -> {
                if (context.hasKey(ConnectionReuse.Attempt.class)) {
                    context.<ConnectionReuse.Attempt>get(ConnectionReuse.Attempt.class).reusedConnection = reusedConnection;
                }
                return Mono.error(error);
            });
        }

        static Call commitsThenFails(Throwable error) {
            return exchange -> {
                exchange.getResponse().setStatusCode(HttpStatus.OK);
                return exchange.getResponse().setComplete().then(Mono.error(error));
            };
        }
    }

    /** The chain below the filter: plays its calls in order. */
    static final class Upstream implements GatewayFilterChain {
        final Deque<Call> script;
        int calls;

        Upstream(Call... calls) {
            this.script = new ArrayDeque<>(List.of(calls));
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            return Mono.defer(() -> {
                calls++;
                return script.removeFirst().run(exchange);
            });
        }
    }
}
