package dev.sluice.gateway.sync;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.function.Supplier;

/**
 * {@code gatewayConfig} in health: the revision this node serves and whether it is stale. A stale config is still UP:
 * the node serves traffic with it, and taking nodes out of rotation during a Redis outage would make it worse.
 */
public class ConfigHealthIndicator implements HealthIndicator {

    private final Supplier<AppliedConfig> applied;

    public ConfigHealthIndicator(Supplier<AppliedConfig> applied) {
        this.applied = applied;
    }

    @Override
    public Health health() {
        AppliedConfig config = applied.get();
        Health.Builder health = Health.up()
                .withDetail("revision", config.revision())
                .withDetail("source", config.source())
                .withDetail("stale", config.stale())
                .withDetail("appliedAt", config.appliedAt().toString());
        if (config.error() != null) {
            health.withDetail("error", config.error());
        }
        return health.build();
    }
}
