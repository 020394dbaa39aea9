package dev.sluice.gateway.bulkhead;

import dev.sluice.gateway.route.Violations;
/** At most {@code maxConcurrent} requests in flight on the route, per gateway node; 503 beyond that. */
public record BulkheadPolicy(Integer maxConcurrent) {

    public void validate(Violations v) {
        v.require("maxConcurrent", maxConcurrent);
        v.range("maxConcurrent", maxConcurrent, 1, 100_000);
    }
}
