package dev.sluice.test.process;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, a deadline passes, or the process it waits on dies. */
public final class Await {

    private Await() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, null, condition);
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, failing at once if {@code owner} exits. */
    public static void until(String what, Duration timeout, ManagedProcess owner, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                last = null;
            }
            catch (RuntimeException e) {
                last = e;
            }
            if (owner != null && !owner.isAlive()) {
                throw new IllegalStateException(owner.name() + " exited with code " + owner.exitCode()
                        + " while waiting for " + what + "; see " + owner.log());
            }
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
        String where = owner == null ? "" : "; see " + owner.log();
        throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what + where, last);
    }
}
