package dev.sluice.tcc.transaction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.seata.common.exception.FrameworkException;
import org.apache.seata.core.context.RootContext;
import org.apache.seata.core.model.GlobalStatus;
import org.apache.seata.tm.api.GlobalTransaction;
import org.apache.seata.tm.api.TransactionalExecutor;
import org.apache.seata.tm.api.TransactionalTemplate;
import org.apache.seata.tm.api.transaction.TransactionHookManager;
import org.apache.seata.tm.api.transaction.TransactionInfo;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * Runs business code in one Seata global transaction: begin, run, then commit, or roll back if the code throws.
 * <ul>
 * <li>An exception from the business code rolls the transaction back and is rethrown unchanged (a checked one is
 * wrapped in {@link GlobalTransactionException}), so callers map their own failures to answers. That holds too when
 * a branch could not be cancelled yet: the rollback is decided, and the TC retries the cancel until it runs. Seata's
 * own {@code FrameworkException} from there (a branch the TC did not register) is a coordination failure instead.</li>
 * <li>A failure of the coordination itself (begin, commit, rollback, or a timeout) is a {@link GlobalTransactionException}
 * naming the {@link Outcome}.</li>
 * <li>Every transaction is timed in {@code sluice.tcc.global.transactions}, tagged by name and outcome, and its
 * round trips to the TC in {@code sluice.tcc.coordinator.calls} (see {@link CoordinatorCallTimer}).</li>
 * </ul>
 */
public class GlobalTransactions {

    public static final String METRIC = "sluice.tcc.global.transactions";
    static final String MDC_KEY = "xid";

    private final TransactionalTemplate template = new TransactionalTemplate();
    private final Duration timeout;
    private final MeterRegistry meters;

    public GlobalTransactions(Duration timeout, MeterRegistry meters) {
        this.timeout = timeout;
        this.meters = meters;
    }

    /** How a global transaction ended. ROLLBACK_PENDING: rolled back, with some cancels left for the TC to retry. */
    public enum Outcome {
        COMMITTED, ROLLED_BACK, ROLLBACK_PENDING, TIMED_OUT, FAILED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public <T> T execute(String name, Callable<T> business) {
        long began = System.nanoTime();
        Outcome outcome = Outcome.FAILED;
        try {
            T result = run(name, business);
            outcome = Outcome.COMMITTED;
            return result;
        }
        catch (TransactionalExecutor.ExecutionException e) {
            outcome = outcomeOf(e);
            Throwable original = e.getOriginalException();
            boolean rolledBack = outcome == Outcome.ROLLED_BACK || outcome == Outcome.ROLLBACK_PENDING;
            // Seata's TCC interceptor throws a FrameworkException from inside the business code when the TC did
            // not register a branch (the TC died, or is being replaced): the coordination failed, not the business.
            boolean businessFailure = !(original instanceof FrameworkException);
            if (rolledBack && businessFailure && original instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (rolledBack && original instanceof Error error) {
                throw error;
            }
            throw new GlobalTransactionException(outcome, xidOf(e), original != null ? original : e);
        }
        finally {
            record(name, outcome, System.nanoTime() - began);
        }
    }

    private <T> T run(String name, Callable<T> business) throws TransactionalExecutor.ExecutionException {
        TransactionInfo info = new TransactionInfo();
        info.setName(name);
        info.setTimeOut((int) timeout.toMillis());
        if (meters != null && RootContext.getXID() == null) {
            // Only when this call begins the transaction: Seata clears the thread's hooks when it ends.
            TransactionHookManager.registerHook(new CoordinatorCallTimer(meters, name));
        }
        try {
            @SuppressWarnings("unchecked")
            T result = (T) template.execute(new TransactionalExecutor() {
                @Override
                public Object execute() throws Throwable {
                    MDC.put(MDC_KEY, RootContext.getXID());
                    return business.call();
                }

                @Override
                public TransactionInfo getTransactionInfo() {
                    return info;
                }
            });
            return result;
        }
        catch (TransactionalExecutor.ExecutionException e) {
            throw e;
        }
        catch (Throwable unexpected) {
            throw new TransactionalExecutor.ExecutionException(null, unexpected, TransactionalExecutor.Code.Unknown);
        }
        finally {
            MDC.remove(MDC_KEY);
        }
    }

    private static Outcome outcomeOf(TransactionalExecutor.ExecutionException e) {
        boolean timedOut = e.getOriginalException() instanceof TimeoutException
                || e.getTransaction() != null && isTimeoutStatus(e.getTransaction());
        return switch (e.getCode()) {
            case RollbackDone -> timedOut ? Outcome.TIMED_OUT : Outcome.ROLLED_BACK;
            // The business code failed and the rollback was asked for, but not every cancel has run yet.
            case Rollbacking, RollbackFailure -> timedOut ? Outcome.TIMED_OUT
                    : e.getOriginalException() == null ? Outcome.FAILED : Outcome.ROLLBACK_PENDING;
            case CommitFailure -> timedOut ? Outcome.TIMED_OUT : Outcome.FAILED;
            default -> Outcome.FAILED;
        };
    }

    private static boolean isTimeoutStatus(GlobalTransaction tx) {
        GlobalStatus status = tx.getLocalStatus();
        return status == GlobalStatus.TimeoutRollbacked || status == GlobalStatus.TimeoutRollbacking
                || status == GlobalStatus.TimeoutRollbackRetrying;
    }

    private static String xidOf(TransactionalExecutor.ExecutionException e) {
        return e.getTransaction() == null ? null : e.getTransaction().getXid();
    }

    private void record(String name, Outcome outcome, long nanos) {
        if (meters != null) {
            Timer.builder(METRIC).description("Seata global transactions begun by this service")
                    .tag("name", name).tag("outcome", outcome.tag())
                    .publishPercentileHistogram()
                    .register(meters).record(Duration.ofNanos(nanos));
        }
    }
}
