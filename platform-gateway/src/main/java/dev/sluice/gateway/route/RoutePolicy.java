package dev.sluice.gateway.route;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.lang.Nullable;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One policy a route document can carry: the contract a policy package implements, so that the route model knows
 * nothing about any particular policy. A policy package holds a spring bean of this type (in its own
 * {@code @Configuration}), its spec type, and the filter; the route model reads the field, validates it, and the
 * compiler asks for the filter and places it at {@link #order()}. Adding a policy touches its package only.
 *
 * @param <S> the spec, as the route document's field binds to it (a record, or a list of records)
 */
public interface RoutePolicy<S> {

    /** The route document's field, such as {@code rateLimit}; unique among policies and the route's own fields. */
    String field();

    /** What the field binds to: the spec's class, or a parameterized type such as {@code List<SplitTarget>}. */
    Type specType();

    /**
     * Where the policy's filter runs among every filter on the path (see
     * {@link dev.sluice.gateway.pipeline.FilterOrder} for the anchors and {@code GET /admin/pipeline} for the whole
     * list). A policy without a filter gives the place of the filter that acts on it.
     */
    int order();

    /** Checks the spec's own values; report each violation under the field's name, as {@code v} is scoped to it. */
    default void validate(S spec, Violations v) {
    }

    /** Checks what needs the whole table, such as a reference to another route; {@code v} names the table. */
    default void validateTable(List<RouteDocument> routes, Violations v) {
    }

    /** What only a route written through the Admin API must obey (such as not reading the node's files). */
    default void validateFromApi(S spec, Violations v) {
    }

    /**
     * Hands the SSRF guard every upstream URI the spec names besides the route's own (a canary's, for example), each
     * with the view its violation is reported under: {@code check.accept(uri, v.at(0).at("uri"))}.
     */
    default void upstreams(S spec, Violations v, BiConsumer<String, Violations> check) {
    }

    /** Route metadata that code outside the filter chain reads, such as the load balancer. */
    default void metadata(S spec, Map<String, Object> metadata) {
    }

    /**
     * Builds the route's filter, with the per-route state it needs, when the route is compiled. Called only when the
     * route carries the policy; the compiler places the filter at {@link #order()}.
     *
     * @param violations where to report what only compiling finds (a schema that does not parse, for example)
     * @return the filter, or {@code null} when the spec asks for nothing (a route without the policy gets no filter)
     */
    @Nullable
    GatewayFilter apply(RouteDocument route, S spec, Violations violations);

    /**
     * Reports what only compiling finds, without touching any state a live route uses: for dry runs and for
     * proposals that may never be committed. Stateful policies override it.
     */
    default void check(RouteDocument route, S spec, Violations violations) {
        apply(route, spec, violations);
    }
}
