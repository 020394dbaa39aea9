package dev.sluice.tcc.transaction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.seata.tm.api.transaction.TransactionHookAdapter;

import java.util.concurrent.TimeUnit;

/**
 * Times this service's round trips to the TC for one global transaction it began: {@code begin}, and
 * {@code commit} or {@code rollback}, which with TCC include the TC's phase-2 calls to every branch. Recorded in
 * {@code sluice.tcc.coordinator.calls} by call; a call that fails is not recorded (the transaction's outcome is).
 * Seata calls the hook on the thread that runs the transaction, so the fields need no synchronisation.
 */
final class CoordinatorCallTimer extends TransactionHookAdapter {

    static final String METRIC = "sluice.tcc.coordinator.calls";

    private final MeterRegistry meters;
    private final String name;
    private long started;

    CoordinatorCallTimer(MeterRegistry meters, String name) {
        this.meters = meters;
        this.name = name;
    }

    @Override
    public void beforeBegin() {
        started = System.nanoTime();
    }

    @Override
    public void afterBegin() {
        record("begin");
    }

    @Override
    public void beforeCommit() {
        started = System.nanoTime();
    }

    @Override
    public void afterCommit() {
        record("commit");
    }

    @Override
    public void beforeRollback() {
        started = System.nanoTime();
    }

    @Override
    public void afterRollback() {
        record("rollback");
    }

    private void record(String call) {
        Timer.builder(METRIC).description("Round trips to the Seata TC for global transactions this service began")
                .tag("name", name).tag("call", call)
                .register(meters).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
}
