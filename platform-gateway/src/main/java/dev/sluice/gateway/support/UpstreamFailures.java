package dev.sluice.gateway.support;

import io.netty.channel.ConnectTimeoutException;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** Classifies errors from the upstream call. */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /**
     * The upstream could not be reached (nor its name resolved), or closed or reset the connection before it had
     * answered.
     */
    public static boolean isConnectFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ConnectTimeoutException || t instanceof UnknownHostException
                    || isDroppedConnection(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The connection went away under the request: closed (FIN) or reset (RST) by the upstream. On a pooled
     * keep-alive connection this is usually the upstream closing it as idle just as the gateway reused it.
     */
    public static boolean isDroppedConnection(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof PrematureCloseException || AbortedException.isConnectionReset(t)
                    || (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("Connection reset"))) {
                return true;
            }
        }
        return false;
    }
}
