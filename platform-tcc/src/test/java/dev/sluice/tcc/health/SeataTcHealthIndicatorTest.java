package dev.sluice.tcc.health;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SeataTcHealthIndicatorTest {

    @Test
    void upWhileOneTcAnswersDownWhenNoneDoes() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (ServerSocket tc = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String up = "127.0.0.1:" + tc.getLocalPort();
            String down = "127.0.0.1:" + closedPort;

            assertThat(new SeataTcHealthIndicator(List.of(down, up)).health().getStatus()).isEqualTo(Status.UP);
            assertThat(new SeataTcHealthIndicator(List.of(down)).health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(new SeataTcHealthIndicator(List.of(down)).health().getDetails().toString()).contains("unreachable");
        }
    }
}
