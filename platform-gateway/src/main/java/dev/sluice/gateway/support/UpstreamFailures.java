package dev.sluice.gateway.support;

import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

import java.io.IOException;

/** Classifies errors from the upstream call. */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /**
     * The upstream call failed in transport: the upstream could not be reached (nor its name resolved), or closed or
     * reset the connection before it had answered. Answered 502.
     */
    public static boolean isConnectFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof AbortedException) {
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

    /**
     * Reactor Netty's pool handed out a closed connection twice in a row and gave up before anything was sent (it
     * has no dedicated exception type for this, only the message).
     */
    public static boolean isPoolOfClosedConnections(Throwable error) {
        return error instanceof IOException && error.getMessage() != null
                && error.getMessage().startsWith("Error while acquiring from ");
    }
}
