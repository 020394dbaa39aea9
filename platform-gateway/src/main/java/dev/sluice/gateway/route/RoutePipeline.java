package dev.sluice.gateway.route;

import dev.sluice.gateway.pipeline.FilterOrder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every filter on a request's way through the gateway, top to bottom: the global ones {@link FilterOrder} lists,
 * the route's own {@code stripPrefix}, and each registered policy at the place it declares. Ties run global filters
 * first, as Spring Cloud Gateway sorts them. Served by {@code GET /admin/pipeline}.
 */
public final class RoutePipeline {

    /**
     * @param order  the filter's place; lower runs first
     * @param filter the global filter's class name, or the route field whose filter it is
     * @param kind   {@code global} (every request) or {@code route} (routes that carry the field)
     */
    public record Step(int order, String filter, String kind) {
    }

    private RoutePipeline() {
    }

    public static List<Step> of(RouteModel model) {
        List<Step> steps = new ArrayList<>();
        FilterOrder.GLOBAL_FILTERS.forEach((name, order) -> steps.add(new Step(order, name, "global")));
        steps.add(new Step(FilterOrder.STRIP_PREFIX, "stripPrefix", "route"));
        for (RoutePolicy<?> policy : model.policies()) {
            steps.add(new Step(policy.order(), policy.field(), "route"));
        }
        // Stable: among equal orders, global filters stay ahead of route filters.
        steps.sort(Comparator.comparingInt(Step::order));
        return List.copyOf(steps);
    }
}
