package dev.sluice.traffic.retry;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import java.util.Set;

/**
 * Which requests may be sent to an upstream more than once, by the gateway or by a service client: idempotent
 * methods, and POST or PATCH when the caller sent an {@code Idempotency-Key} (RFC 9110 §9.2.2, and RFC 9112 §9.3.1
 * on retrying non-idempotent requests only when the client has a way to know they are safe to repeat).
 */
public final class ReplaySafety {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE);

    private ReplaySafety() {
    }

    /** Whether sending the request again is harmless by its method alone (RFC 9110 §9.2.2). */
    public static boolean isIdempotent(HttpMethod method) {
        return IDEMPOTENT.contains(method);
    }

    public static boolean mayReplay(HttpMethod method, HttpHeaders headers) {
        return IDEMPOTENT.contains(method) || ((method == HttpMethod.POST || method == HttpMethod.PATCH)
                && headers.containsHeader(IDEMPOTENCY_KEY));
    }
}
