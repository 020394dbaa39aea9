package dev.sluice.starter.kubernetes;

import dev.sluice.starter.jobs.JobClaim;
import dev.sluice.starter.jobs.JobOwnership;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * On Kubernetes, the service's pods elect a leader through a Lease ({@code coordination.k8s.io/v1}) with the fabric8
 * client's leader elector, and the leader runs every singleton job of the service. The election starts when a job
 * first asks, so a service without singleton jobs never touches the Lease. When the leader's pod goes, gracefully,
 * the Lease is released and another pod leads at its next retry; when it dies, another leads once the Lease's
 * duration has passed without a renewal. A claim's fencing token is the Lease's transition count, which grows with
 * every change of leader.
 * <p>
 * A leader trusts its leadership only for the renew deadline after its last successful write of the Lease, whatever
 * the elector believes: a pod cut off from the API server stops running jobs before the Lease's duration lets
 * another pod take them (the duration must exceed the deadline).
 */
public class LeaseJobOwnership implements JobOwnership, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LeaseJobOwnership.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final LeaderElectionConfig config;
    private final Duration retryPeriod;
    private final Duration renewDeadline;
    /** The running election, if any; guarded by this. */
    private CompletableFuture<?> election;
    /** Set by a graceful stop: no election runs again. Guarded by this. */
    private boolean released;
    /** The fencing token of this pod's leadership; null while another pod leads. */
    private volatile Long token;
    /** When this pod last wrote the Lease as its holder ({@link System#nanoTime()}). */
    private volatile long lastRenewal;

    public LeaseJobOwnership(KubernetesClient client, String namespace, String leaseName, String identity,
            KubernetesLeaderProperties properties) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.retryPeriod = properties.retryPeriod();
        this.renewDeadline = properties.renewDeadline();
        if (properties.leaseDuration().compareTo(renewDeadline) <= 0) {
            throw new IllegalArgumentException("sluice.kubernetes.leader.lease-duration (" + properties.leaseDuration()
                    + ") must be longer than renew-deadline (" + renewDeadline + ")");
        }
        this.config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new RenewalTracking(new LeaseLock(namespace, leaseName, identity)))
                .withLeaseDuration(properties.leaseDuration())
                .withRenewDeadline(properties.renewDeadline())
                .withRetryPeriod(properties.retryPeriod())
                // A graceful stop empties the Lease, so that the next pod leads without waiting for it to run out.
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
                .build();
    }

    @Override
    public Optional<JobClaim> claim(String name, Duration lease) {
        elect();
        Long current = token;
        return current == null || !leads() ? Optional.empty() : Optional.of(new JobClaim(current, null));
    }

    /** Whether this pod leads now: the elector says so, and its last write of the Lease is recent enough. */
    public boolean leads() {
        return token != null && System.nanoTime() - lastRenewal < renewDeadline.toNanos();
    }

    private synchronized void elect() {
        if (election != null || released) {
            return;
        }
        log.info("Pod {} runs for leader of Lease {}/{}", identity, namespace, leaseName);
        election = client.leaderElector().withConfig(config).build().start();
        // The elector's future ends when this pod loses the leadership it had, or fails; it runs again after a
        // retry period, so that a failing API server is not hammered.
        election.whenComplete((ignored, failure) -> {
            // However it ended, this pod no longer leads: the elector also ends without a word when its client fails.
            stoppedLeading();
            synchronized (this) {
                election = null;
            }
            if (!(failure instanceof CancellationException)) {
                if (failure != null) {
                    log.warn("Leader election for Lease {}/{} failed; running again", namespace, leaseName, failure);
                }
                CompletableFuture.runAsync(this::elect,
                        CompletableFuture.delayedExecutor(retryPeriod.toMillis(), TimeUnit.MILLISECONDS));
            }
        });
    }

    private void startedLeading() {
        log.info("Pod {} leads Lease {}/{} (token {}) and runs this service's singleton jobs", identity, namespace,
                leaseName, token);
    }

    private void stoppedLeading() {
        if (token != null) {
            log.warn("Pod {} no longer leads Lease {}/{}: its singleton jobs stop here", identity, namespace,
                    leaseName);
        }
        token = null;
    }

    private void newLeader(String leader) {
        if (!identity.equals(leader)) {
            log.info("Lease {}/{} is led by {}", namespace, leaseName, leader);
        }
    }

    /** The Lease lock, noting each write that made or kept this pod the holder: its time and transition count. */
    private final class RenewalTracking implements Lock {

        private final Lock lease;

        RenewalTracking(Lock lease) {
            this.lease = lease;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient client) {
            return lease.get(client);
        }

        @Override
        public void create(KubernetesClient client, LeaderElectionRecord record) {
            long asked = System.nanoTime();
            lease.create(client, record);
            written(record, asked);
        }

        @Override
        public void update(KubernetesClient client, LeaderElectionRecord record) {
            long asked = System.nanoTime();
            lease.update(client, record);
            written(record, asked);
        }

        /** Counted from before the request: the Lease's duration runs from a moment no earlier than that. */
        private void written(LeaderElectionRecord record, long asked) {
            if (identity.equals(record.getHolderIdentity())) {
                lastRenewal = asked;
                token = (long) record.getLeaderTransitions();
            }
        }

        @Override
        public String identity() {
            return lease.identity();
        }

        @Override
        public String describe() {
            return lease.describe();
        }
    }

    @Override
    public void releaseAll() {
        CompletableFuture<?> running;
        synchronized (this) {
            released = true;
            running = election;
            election = null;
        }
        token = null;
        if (running != null) {
            running.cancel(true);
        }
    }

    @Override
    public void destroy() {
        releaseAll();
    }
}
