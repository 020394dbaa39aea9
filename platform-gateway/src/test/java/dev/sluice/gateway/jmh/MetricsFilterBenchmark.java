package dev.sluice.gateway.jmh;

import dev.sluice.gateway.observability.GatewayMetricsFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;


/**
 * The per-route request timer ({@code sluice.gateway.requests}, with its percentile histogram) around a request
 * that answers 200 at once, on the Prometheus registry the gateway uses. {@code baseline} is the same chain without
 * the filter, so the difference is the metric's cost per request.
 */
@State(Scope.Thread)
public class MetricsFilterBenchmark {

    private static final GatewayFilterChain ANSWERED = exchange -> {
        exchange.getResponse().setStatusCode(HttpStatus.OK);
        return Mono.empty();
    };

    private GatewayMetricsFilter filter;
    private MockServerWebExchange exchange;

    @Setup
    public void setUp() {
        filter = new GatewayMetricsFilter(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        exchange = Exchanges.routed();
    }

    @Benchmark
    public Object baseline() {
        return ANSWERED.filter(exchange).block();
    }

    @Benchmark
    public Object timed() {
        return filter.filter(exchange, ANSWERED).block();
    }
}
