package dev.sluice.starter.jobs;

import java.time.Duration;
import java.util.Optional;

/**
 * Decides which instance runs a singleton job. Off Kubernetes a lock per job in the Redis Cluster
 * ({@link RedisJobOwnership}); on Kubernetes a Lease the pods elect a leader with
 * ({@code dev.sluice.starter.kubernetes.LeaseJobOwnership}), so every job of the service runs on its leader.
 */
public interface JobOwnership {

    /**
     * This instance's claim on job {@code name}, taken or kept now; empty while another instance has it.
     *
     * @param lease how long the claim outlives this instance once it stops renewing it, where the owner has a
     *              lease per job
     */
    Optional<JobClaim> claim(String name, Duration lease);

    /** Gives every claim up, on a graceful stop, so that another instance takes the jobs over without waiting. */
    void releaseAll();
}
