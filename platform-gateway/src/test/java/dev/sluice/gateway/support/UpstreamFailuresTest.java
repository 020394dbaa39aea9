package dev.sluice.gateway.support;

import org.junit.jupiter.api.Test;
import reactor.netty.channel.AbortedException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which upstream errors are transport failures (502), dropped connections, or a pool of closed connections. */
class UpstreamFailuresTest {

    @Test
    void everyTransportErrorIsAConnectFailureButATimeoutIsNot() {
        assertThat(UpstreamFailures.isConnectFailure(new ConnectException("Connection refused"))).isTrue();
        assertThat(UpstreamFailures.isConnectFailure(new RuntimeException(new IOException("Error while acquiring from pool"))))
                .isTrue();
        assertThat(UpstreamFailures.isConnectFailure(AbortedException.beforeSend())).isTrue();
        assertThat(UpstreamFailures.isConnectFailure(new TimeoutException("no answer"))).isFalse();
        assertThat(UpstreamFailures.isConnectFailure(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void closesAndResetsAreDroppedConnectionsButARefusedConnectIsNot() {
        assertThat(UpstreamFailures.isDroppedConnection(new SocketException("Connection reset"))).isTrue();
        assertThat(UpstreamFailures.isDroppedConnection(new IOException("recvAddress(..) failed: Connection reset by peer")))
                .isTrue();
        assertThat(UpstreamFailures.isDroppedConnection(AbortedException.beforeSend())).isTrue();
        assertThat(UpstreamFailures.isDroppedConnection(new ConnectException("Connection refused"))).isFalse();
    }

    @Test
    void onlyReactorNettysAcquireFailureMeansThePoolHadOnlyClosedConnections() {
        assertThat(UpstreamFailures.isPoolOfClosedConnections(
                new IOException("Error while acquiring from reactor.netty.internal.shaded.reactor.pool.SimpleDequePool@1"))).isTrue();
        assertThat(UpstreamFailures.isPoolOfClosedConnections(new IOException("Connection reset by peer"))).isFalse();
        assertThat(UpstreamFailures.isPoolOfClosedConnections(new IOException((String) null))).isFalse();
    }
}
