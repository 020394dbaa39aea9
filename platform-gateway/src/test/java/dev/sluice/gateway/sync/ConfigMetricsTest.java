package dev.sluice.gateway.sync;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The gauges an alert on a stale or diverged gateway node reads, following what the node serves. */
class ConfigMetricsTest {

    @Test
    void theGaugesFollowTheAppliedConfig() {
        AtomicReference<AppliedConfig> applied = new AtomicReference<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ConfigMetrics(applied::get).bindTo(registry);
        assertThat(registry.get("sluice.gateway.config.revision").gauge().value()).isEqualTo(-1);
        assertThat(registry.get("sluice.gateway.config.stale").gauge().value()).isZero();

        applied.set(new AppliedConfig(7, "2026-11-30T00:00:00Z", Instant.now(), "redis", false, null));
        assertThat(registry.get("sluice.gateway.config.revision").gauge().value()).isEqualTo(7);
        assertThat(registry.get("sluice.gateway.config.stale").gauge().value()).isZero();

        applied.set(applied.get().markStale(true));
        assertThat(registry.get("sluice.gateway.config.stale").gauge().value()).isEqualTo(1);
    }
}
