package dev.sluice.traffic.retry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Retries stay within a share of the route's recent requests, with a floor for quiet routes. */
class RetryBudgetTest {

    @Test
    void aBusyRouteGetsAtMostTwentyPercentExtraLoad() {
        RetryBudget budget = new RetryBudget(0.2, 10);
        long second = 1_000;
        for (int i = 0; i < 1_000; i++) {
            budget.onRequest(second);
        }
        int granted = 0;
        for (int i = 0; i < 1_000; i++) {
            if (budget.tryRetry(second)) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(200);
    }

    @Test
    void aQuietRouteStillGetsTheFloor() {
        RetryBudget budget = new RetryBudget(0.2, 10);
        budget.onRequest(5);
        int granted = 0;
        for (int i = 0; i < 50; i++) {
            if (budget.tryRetry(5)) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(10);
    }

    @Test
    void theBudgetRefillsAsOldSecondsLeaveTheWindow() {
        RetryBudget budget = new RetryBudget(0.2, 10);
        for (int i = 0; i < 20; i++) {
            budget.tryRetry(100);
        }
        assertThat(budget.tryRetry(100)).isFalse();
        assertThat(budget.tryRetry(111)).isTrue(); // ten seconds later the spent retries have aged out
    }
}
