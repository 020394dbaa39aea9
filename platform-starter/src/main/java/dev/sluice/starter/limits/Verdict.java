package dev.sluice.starter.limits;

import org.springframework.http.ProblemDetail;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the limits said of one request: the headers to answer with, and either the concurrency permits it holds
 * until it completes, or the problem it is refused with.
 */
final class Verdict {

    private final Map<String, String> headers;
    private final ProblemDetail refusal;
    private final List<LimitRule> held;
    private final AtomicBoolean released = new AtomicBoolean();

    private Verdict(Map<String, String> headers, ProblemDetail refusal, List<LimitRule> held) {
        this.headers = headers;
        this.refusal = refusal;
        this.held = held;
    }

    static Verdict admitted(Map<String, String> headers, List<LimitRule> held) {
        return new Verdict(headers, null, held);
    }

    static Verdict refused(Map<String, String> headers, ProblemDetail problem) {
        return new Verdict(headers, problem, List.of());
    }

    boolean isRefused() {
        return refusal != null;
    }

    /** The 429 or 503 problem; null when admitted. */
    ProblemDetail refusal() {
        return refusal;
    }

    /** {@code RateLimit-*} for rate-limited endpoints, and {@code Retry-After} on a refusal. */
    Map<String, String> headers() {
        return headers;
    }

    /** Gives back the concurrency permits; safe to call more than once. */
    void release() {
        if (released.compareAndSet(false, true)) {
            for (LimitRule rule : held) {
                rule.permits().release();
            }
        }
    }
}
