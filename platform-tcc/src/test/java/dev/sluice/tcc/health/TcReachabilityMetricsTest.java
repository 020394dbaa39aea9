package dev.sluice.tcc.health;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The TC reachability gauge against a real listening socket and a closed port. */
class TcReachabilityMetricsTest {

    @Test
    void aListeningTcIsOneAndAClosedPortIsZero() throws Exception {
        try (ServerSocket tc = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int closed;
            try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                closed = gone.getLocalPort();
            }
            String up = "127.0.0.1:" + tc.getLocalPort();
            String down = "127.0.0.1:" + closed;
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new TcReachabilityMetrics(List.of(up, down)).bindTo(registry);
            System.gc(); // the gauges must outlive a collection: nothing but them holds what they read
            assertThat(registry.get("sluice.tcc.coordinator.reachable").tag("address", up).gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("sluice.tcc.coordinator.reachable").tag("address", down).gauge().value()).isZero();
        }
    }
}
