package dev.sluice.tcc.transaction;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TccPhaseTwoTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TccPhaseTwo phaseTwo = new TccPhaseTwo(meters);

    @Test
    void eachCallIsCountedByActionPhaseAndOutcome() {
        assertThat(phaseTwo.confirm("stock", () -> true)).isTrue();
        assertThat(phaseTwo.confirm("stock", () -> true)).isTrue();
        assertThat(phaseTwo.cancel("stock", () -> false)).isFalse();
        assertThatIllegalStateException().isThrownBy(() -> phaseTwo.cancel("order", () -> {
            throw new IllegalStateException("database down");
        }));

        assertThat(count("stock", "confirm", "done")).isEqualTo(2);
        assertThat(count("stock", "cancel", "retry")).isEqualTo(1);
        assertThat(count("order", "cancel", "error")).isEqualTo(1);
    }

    private long count(String action, String phase, String outcome) {
        return meters.timer(TccPhaseTwo.METRIC, "action", action, "phase", phase, "outcome", outcome).count();
    }
}
