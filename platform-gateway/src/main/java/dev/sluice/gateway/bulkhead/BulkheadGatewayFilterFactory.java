package dev.sluice.gateway.bulkhead;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.http.HttpStatus;

import java.lang.reflect.Type;
import java.util.concurrent.Semaphore;

/** {@code bulkhead}: at most N requests of the route in flight on this node, then 503 problem+json at once. */
public class BulkheadGatewayFilterFactory implements RoutePolicy<BulkheadPolicy> {

    /** After the rate limit, caps concurrency. */
    public static final int ORDER = -250;

    @Override
    public String field() {
        return "bulkhead";
    }

    @Override
    public Type specType() {
        return BulkheadPolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(BulkheadPolicy spec, Violations v) {
        spec.validate(v);
    }

    @Override
    public GatewayFilter apply(RouteDocument route, BulkheadPolicy policy, Violations violations) {
        Semaphore permits = new Semaphore(policy.maxConcurrent());
        GatewayProblem full = GatewayProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "bulkhead_full",
                "Route '" + route.id() + "' has " + policy.maxConcurrent() + " requests in flight; try again shortly");
        return new OrderedGatewayFilter((exchange, chain) -> {
            if (!permits.tryAcquire()) {
                exchange.getResponse().getHeaders().set("Retry-After", "1");
                return ProblemResponses.write(exchange, full);
            }
            return chain.filter(exchange).doFinally(signal -> permits.release());
        }, ORDER);
    }
}
