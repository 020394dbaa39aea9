package dev.sluice.traffic.ratelimit;

/**
 * Tokens this instance has taken from one shared bucket ahead of need, so that a busy instance asks Redis for a batch every
 * few tens of milliseconds instead of once per request. A lease never over-admits (its tokens left the shared bucket
 * when it was taken); unused tokens simply lapse. Its size follows this instance's own request rate: about
 * {@link #HORIZON_NANOS} worth of requests, at most a tenth of the burst, and one token for a quiet bucket, which
 * keeps quiet buckets exact.
 */
final class LeasedTokens {

    static final long HORIZON_NANOS = 50_000_000L;
    static final long LIFETIME_NANOS = 200_000_000L;

    private long tokens;
    private long expiresAt;
    private long remaining;
    private long resetMillis;
    private long windowStart = System.nanoTime();
    private long windowRequests;
    private double ratePerNano;

    /** Spends one leased token; false when the lease is empty or has lapsed. */
    synchronized boolean tryTake(long now) {
        windowRequests++;
        if (now - windowStart >= HORIZON_NANOS) {
            ratePerNano = windowRequests / (double) (now - windowStart);
            windowStart = now;
            windowRequests = 0;
        }
        if (tokens > 0 && now < expiresAt) {
            tokens--;
            return true;
        }
        return false;
    }

    /** How many tokens to ask Redis for now. */
    synchronized long wanted(RateLimit limit) {
        long byRate = (long) (ratePerNano * HORIZON_NANOS);
        return Math.max(1, Math.min(byRate, limit.burst() / 10));
    }

    /** Keeps what Redis gave beyond the token this request spends. */
    synchronized void refill(long taken, long remainingInBucket, long reset, long now) {
        tokens = Math.max(0, taken - 1);
        expiresAt = now + LIFETIME_NANOS;
        remaining = remainingInBucket;
        resetMillis = reset;
    }

    /** The tokens visible to a client: what is left in the shared bucket plus this instance's unspent lease. */
    synchronized long remaining() {
        return remaining + tokens;
    }

    synchronized long resetMillis() {
        return resetMillis;
    }
}
