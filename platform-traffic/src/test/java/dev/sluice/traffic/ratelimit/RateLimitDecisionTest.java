package dev.sluice.traffic.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The headers a limited answer carries, the same for gateway routes and service endpoints. */
class RateLimitDecisionTest {

    @Test
    void anAdmittedAnswerSaysWhatIsLeftAndWhenTheBucketIsFullRoundedUp() {
        assertThat(new RateLimitDecision(true, 100, 42, 1_001, RateLimitDecision.CLUSTER).headers())
                .containsExactly(java.util.Map.entry("RateLimit-Limit", "100"),
                        java.util.Map.entry("RateLimit-Remaining", "42"), java.util.Map.entry("RateLimit-Reset", "2"));
    }

    @Test
    void aRefusalSaysWhenToComeBackAtLeastASecondAhead() {
        assertThat(new RateLimitDecision(false, 10, 0, 0, RateLimitDecision.LOCAL).headers())
                .containsEntry("RateLimit-Reset", "0").containsEntry("Retry-After", "1");
        assertThat(new RateLimitDecision(false, 10, 0, 2_500, RateLimitDecision.LOCAL).headers())
                .containsEntry("Retry-After", "3");
    }
}
