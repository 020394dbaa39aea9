package dev.sluice.gateway.support;

import io.netty.channel.ConnectTimeoutException;
import reactor.netty.http.client.PrematureCloseException;

import java.net.ConnectException;
import java.net.UnknownHostException;

/** Classifies errors from the upstream call. */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /** The upstream could not be reached (nor its name resolved), or closed the connection before answering. */
    public static boolean isConnectFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ConnectTimeoutException || t instanceof PrematureCloseException
                    || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
