package dev.sluice.starter.jobs;

import dev.sluice.starter.lock.LockLease;

import java.util.Optional;

/**
 * This instance's right to run a singleton job.
 *
 * @param token a fencing token: greater than that of every earlier claim on the job, so that a store can refuse the
 *              writes of an owner that has since lost it
 * @param lock  the Redis lock behind the claim, for {@code FencedValues}; null when the claim is a Kubernetes
 *              leadership
 */
public record JobClaim(long token, LockLease lock) {

    public Optional<LockLease> lease() {
        return Optional.ofNullable(lock);
    }
}
