package dev.sluice.gateway.stamp;

import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import org.springframework.cloud.gateway.filter.GatewayFilter;

import java.lang.reflect.Type;

/** The {@code stamp} policy: sets its header on the upstream request, between the rate limit and the bulkhead. */
public class StampGatewayFilterFactory implements RoutePolicy<StampPolicy> {

    /** After the rate limit (-300), before the bulkhead (-250). */
    public static final int ORDER = -275;

    @Override
    public String field() {
        return "stamp";
    }

    @Override
    public Type specType() {
        return StampPolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(StampPolicy spec, Violations v) {
        spec.validate(v);
    }

    @Override
    public GatewayFilter apply(RouteDocument route, StampPolicy spec, Violations violations) {
        return (exchange, chain) -> chain.filter(exchange.mutate()
                .request(request -> request.headers(headers -> headers.set(spec.header(), spec.value())))
                .build());
    }
}
