package dev.sluice.gateway.retry;

import io.netty.util.AttributeKey;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.ContextView;

/**
 * Tells {@link StaleConnectionRetryFilter} whether an upstream call went out on a pooled connection that had carried
 * a request before: only such a connection can have gone stale. A connection opened for the call that then drops it
 * is an upstream failure, for the route's {@code retry} policy, not a race.
 */
public final class ConnectionReuse implements HttpClientCustomizer {

    private static final AttributeKey<Boolean> CARRIED_A_REQUEST = AttributeKey.valueOf("sluice.carriedARequest");

    /** One upstream call, as seen from the filter; put in the Reactor context under this class. */
    static final class Attempt {
        volatile boolean reusedConnection;
    }

    @Override
    public HttpClient customize(HttpClient client) {
        return client.doOnRequest((request, connection) -> {
            boolean reused = connection.channel().attr(CARRIED_A_REQUEST).getAndSet(Boolean.TRUE) != null;
            ContextView context = request.currentContextView();
            if (context.hasKey(Attempt.class)) {
                context.<Attempt>get(Attempt.class).reusedConnection = reused;
            }
        });
    }
}
