package dev.sluice.gateway.support;

import dev.sluice.traffic.retry.ReplaySafety;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ResponseStatusException;
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
     * The request certainly did not reach the upstream: no instance to send it to (the load balancer's 503), its name
     * did not resolve, the connection was refused or not made in time, or the pool had no live connection to give.
     * After any other failure (a timeout, a connection closed under the request) the upstream may have acted on it.
     */
    public static boolean neverSent(Throwable error) {
        if (error instanceof ResponseStatusException status) {
            return status.getStatusCode().value() == 503;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || isPoolOfClosedConnections(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a request that failed this way may have been carried out by the upstream, and doing it twice is not
     * harmless: the client cannot be told "not done, try again" (a POST cut off by a timeout may have placed an order).
     */
    public static boolean outcomeUnknown(HttpMethod method, Throwable error) {
        return !neverSent(error) && !ReplaySafety.isIdempotent(method);
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
