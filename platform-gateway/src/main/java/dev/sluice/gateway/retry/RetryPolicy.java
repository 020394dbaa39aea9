package dev.sluice.gateway.retry;

import dev.sluice.gateway.route.Violations;
import java.time.Duration;
import java.util.List;

/**
 * Retries of failed upstream calls with exponential backoff and full jitter.
 *
 * @param attempts how many retries after the first call
 * @param backoff  the first backoff; each next one doubles
 * @param statuses upstream statuses that are retried, {@code [502, 503, 504]} when absent; connect errors always are
 */
public record RetryPolicy(Integer attempts, Duration backoff, List<Integer> statuses) {

    public static final List<Integer> DEFAULT_STATUSES = List.of(502, 503, 504);

    public List<Integer> statusesOrDefault() {
        return statuses != null ? statuses : DEFAULT_STATUSES;
    }

    public Duration backoffOrDefault() {
        return backoff != null ? backoff : Duration.ofMillis(50);
    }

    public void validate(Violations v) {
        v.require("attempts", attempts);
        v.range("attempts", attempts, 0, 10);
        if (backoff != null && (backoff.isNegative() || backoff.compareTo(Duration.ofSeconds(10)) > 0)) {
            v.add("backoff", "must be between 0 and 10s");
        }
        if (statuses != null) {
            for (int i = 0; i < statuses.size(); i++) {
                Integer status = statuses.get(i);
                if (status == null || status < 500 || status > 599) {
                    v.at("statuses").at(i).add("must be between 500 and 599");
                }
            }
        }
    }
}
