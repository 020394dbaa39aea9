package dev.sluice.tcc.transaction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.function.BooleanSupplier;

/**
 * Runs a TCC action's confirm or cancel and times it in {@code sluice.tcc.phase2}, tagged by action, phase and
 * outcome: {@code done}, {@code retry} (it returned false, so the TC calls it again) or {@code error} (it threw).
 * Actions call it explicitly: wrapping the action beans instead would hide the parameter annotations Seata reads.
 */
public class TccPhaseTwo {

    public static final String METRIC = "sluice.tcc.phase2";

    private final MeterRegistry meters;

    public TccPhaseTwo(MeterRegistry meters) {
        this.meters = meters;
    }

    public boolean confirm(String action, BooleanSupplier work) {
        return run(action, "confirm", work);
    }

    public boolean cancel(String action, BooleanSupplier work) {
        return run(action, "cancel", work);
    }

    private boolean run(String action, String phase, BooleanSupplier work) {
        long began = System.nanoTime();
        String outcome = "error";
        try {
            boolean done = work.getAsBoolean();
            outcome = done ? "done" : "retry";
            return done;
        }
        finally {
            if (meters != null) {
                Timer.builder(METRIC).description("TCC phase-2 calls handled by this service")
                        .tag("action", action).tag("phase", phase).tag("outcome", outcome)
                        .publishPercentileHistogram()
                        .register(meters).record(System.nanoTime() - began, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
    }
}
