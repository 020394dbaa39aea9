package dev.sluice.gateway.sync;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.function.Supplier;

/**
 * The config this node serves, as gauges an alert can watch: {@code sluice.gateway.config.revision} and
 * {@code sluice.gateway.config.stale} (1 while the node cannot confirm it has the store's head revision).
 */
public class ConfigMetrics implements MeterBinder {

    private final Supplier<AppliedConfig> applied;

    public ConfigMetrics(Supplier<AppliedConfig> applied) {
        this.applied = applied;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("sluice.gateway.config.revision", applied, a -> a.get() == null ? -1 : a.get().revision())
                .description("The config revision this gateway node serves").register(registry);
        Gauge.builder("sluice.gateway.config.stale", applied, a -> a.get() != null && a.get().stale() ? 1 : 0)
                .description("1 while this node serves a config it could not check against the store").register(registry);
    }
}
