package dev.sluice.gateway.route;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.lang.Nullable;

/**
 * Turns one policy of a route document into a gateway filter. A route without the policy gets no filter at all, so
 * a switched-off policy costs nothing per request.
 */
public interface RouteFilterFactory {

    /**
     * @param violations where to report what only compiling finds (a schema that does not parse, for example)
     * @return the filter, ordered by {@link dev.sluice.gateway.pipeline.FilterOrder}, or {@code null} when the route does not use the policy
     */
    @Nullable
    GatewayFilter apply(RouteDocument route, Violations violations);

    /**
     * Reports what only compiling finds, without touching any state a live route uses: for dry runs and for
     * proposals that may never be committed. Stateful factories override it.
     */
    default void check(RouteDocument route, Violations violations) {
        apply(route, violations);
    }
}
