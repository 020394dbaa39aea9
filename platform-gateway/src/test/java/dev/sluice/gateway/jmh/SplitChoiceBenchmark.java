package dev.sluice.gateway.jmh;

import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.Violations;
import dev.sluice.gateway.split.SplitGatewayFilterFactory;
import dev.sluice.gateway.split.SplitTarget;
import dev.sluice.traffic.address.ClientAddresses;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The split policy's choice per request: a canary by header, then weights at random or sticky by client address.
 * Each invocation resets the upstream URL the filter rewrites.
 */
@State(Scope.Thread)
public class SplitChoiceBenchmark {

    private static final URI UPSTREAM = URI.create("http://127.0.0.1:18080/api/items/42");
    private static final GatewayFilterChain DONE = exchange -> Mono.empty();

    private GatewayFilter weighted;
    private GatewayFilter sticky;
    private MockServerWebExchange exchange;

    @Setup
    public void setUp() {
        SplitGatewayFilterFactory factory = new SplitGatewayFilterFactory(new ClientAddresses(List.of()));
        RouteDocument route = new RouteDocument("bench", "http://127.0.0.1:18080", null, null, null, Map.of());
        weighted = factory.apply(route, List.of(
                new SplitTarget("http://127.0.0.1:18081", null, new SplitTarget.When(Map.of("X-Canary", "1")), null),
                new SplitTarget("http://127.0.0.1:18082", 10, null, null)), new Violations());
        sticky = factory.apply(route, List.of(new SplitTarget("http://127.0.0.1:18082", 50, null, "ip")),
                new Violations());
        exchange = Exchanges.routed();
    }

    @Benchmark
    public Object weightedAtRandom() {
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, UPSTREAM);
        return weighted.filter(exchange, DONE);
    }

    @Benchmark
    public Object stickyByClientAddress() {
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, UPSTREAM);
        return sticky.filter(exchange, DONE);
    }
}
