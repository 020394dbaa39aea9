package dev.sluice.tcc.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice.tcc.coordinator.reachable{address}}: 1 while the TC at that address accepts connections, for an alert
 * on a TC this service cannot reach. A scrape checks at most once per {@link #CHECK_EVERY_NANOS} per address, with the
 * health check's 500 ms connect timeout.
 */
public class TcReachabilityMetrics implements MeterBinder {

    private static final long CHECK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<String> addresses;

    public TcReachabilityMetrics(List<String> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String address : addresses) {
            // A strong reference: a gauge holds its object weakly, and nothing else holds a Check, so after a
            // garbage collection the gauge would read NaN.
            Gauge.builder("sluice.tcc.coordinator.reachable", new Check(address), Check::value)
                    .description("1 while this service can connect to the Seata TC").tag("address", address)
                    .strongReference(true).register(registry);
        }
    }

    private static final class Check {

        private final String address;
        private long checkedAt;
        private boolean checked;
        private double last;

        Check(String address) {
            this.address = address;
        }

        synchronized double value() {
            long now = System.nanoTime();
            if (!checked || now - checkedAt >= CHECK_EVERY_NANOS) {
                last = SeataTcHealthIndicator.reachable(address) ? 1 : 0;
                checkedAt = now;
                checked = true;
            }
            return last;
        }
    }
}
