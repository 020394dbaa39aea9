package dev.sluice.traffic.retry;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Caps retries at a share of the requests over the last ten seconds (a gateway route's, or a service client's), so
 * that a failing upstream is not hit by a retry storm: at most {@code ratio} extra load, but always a few retries
 * ({@code floor}) for quiet callers.
 */
public final class RetryBudget {

    private static final int SLOTS = 10;
    private final double ratio;
    private final int floor;
    // per one-second slot: [epoch second, requests, retries]
    private final AtomicLongArray seconds = new AtomicLongArray(SLOTS);
    private final AtomicLongArray requests = new AtomicLongArray(SLOTS);
    private final AtomicLongArray retries = new AtomicLongArray(SLOTS);

    public RetryBudget(double ratio, int floor) {
        this.ratio = ratio;
        this.floor = floor;
    }

    public void onRequest(long nowSecond) {
        requests.incrementAndGet(slot(nowSecond));
    }

    /** Takes one retry from the budget, or answers {@code false} when it is spent. */
    public boolean tryRetry(long nowSecond) {
        int current = slot(nowSecond);
        long requestSum = 0;
        long retrySum = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (nowSecond - seconds.get(i) < SLOTS) {
                requestSum += requests.get(i);
                retrySum += retries.get(i);
            }
        }
        if (retrySum >= Math.max(floor, (long) (requestSum * ratio))) {
            return false;
        }
        retries.incrementAndGet(current);
        return true;
    }

    private int slot(long nowSecond) {
        int slot = (int) (nowSecond % SLOTS);
        long seen = seconds.get(slot);
        if (seen != nowSecond && seconds.compareAndSet(slot, seen, nowSecond)) {
            requests.set(slot, 0); // a racing increment may be lost here: the budget is an estimate, not a ledger
            retries.set(slot, 0);
        }
        return slot;
    }
}
