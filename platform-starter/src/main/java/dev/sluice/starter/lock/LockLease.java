package dev.sluice.starter.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A held lock: its name, its owner, and its fencing token, which grows with every acquisition of the name. Give the
 * token to every write the lock protects ({@link FencedValues}, or a {@code WHERE fence < ?} column): a holder that
 * paused past its lease, and lost the lock to a newer holder, then has its late writes refused.
 * <p>
 * {@link #isHeld()} is this holder's own belief, by its monotonic clock; only the token protects a write.
 */
public final class LockLease implements AutoCloseable {

    private final DistributedLocks locks;
    private final String name;
    private final String owner;
    private final long token;
    private final Duration lease;
    private volatile long validUntilNanos;
    private volatile boolean ended;

    LockLease(DistributedLocks locks, String name, String owner, long token, Duration lease, long askedAtNanos) {
        this.locks = locks;
        this.name = name;
        this.owner = owner;
        this.token = token;
        this.lease = lease;
        this.validUntilNanos = askedAtNanos + lease.toNanos();
    }

    public String name() {
        return name;
    }

    public String owner() {
        return owner;
    }

    /** The fencing token: greater than that of every earlier holder of this name. */
    public long token() {
        return token;
    }

    public Duration lease() {
        return lease;
    }

    /** Whether this holder may still believe it holds the lock: not released, not lost, its lease not run out. */
    public boolean isHeld() {
        return !ended && System.nanoTime() < validUntilNanos;
    }

    /** Whether it was released, or a renewal found it lost. */
    public boolean isEnded() {
        return ended;
    }

    /** How long the lease has left, as this holder sees it. */
    public Duration remaining() {
        return ended ? Duration.ZERO : Duration.ofNanos(Math.max(0, validUntilNanos - System.nanoTime()));
    }

    /**
     * Extends the lease by its length from now. False when the lock is no longer this holder's, or when Redis did
     * not answer: then the lease keeps its old end, and a later renewal may still land.
     */
    public boolean renew() {
        if (ended) {
            return false;
        }
        long asked = System.nanoTime();
        Boolean renewed = locks.renew(this);
        if (Boolean.TRUE.equals(renewed)) {
            validUntilNanos = asked + lease.toNanos();
            return true;
        }
        if (Boolean.FALSE.equals(renewed)) {
            ended = true;
        }
        return false;
    }

    /** Releases the lock if it is still this holder's; false when it was not (lost, or released already). */
    public boolean release() {
        if (ended) {
            return false;
        }
        ended = true;
        return locks.release(this);
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "lock " + name + " held by " + owner + " (token " + token + ", "
                + TimeUnit.NANOSECONDS.toMillis(Math.max(0, validUntilNanos - System.nanoTime())) + " ms left)";
    }
}
