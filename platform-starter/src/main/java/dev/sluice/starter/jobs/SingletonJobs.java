package dev.sluice.starter.jobs;

import dev.sluice.starter.lock.LockLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Jobs that run on one instance at a time. Which instance is the {@link JobOwnership}'s call: a lock per job in the
 * Redis Cluster, or on Kubernetes the pods' elected leader. Every instance asks at each of its ticks; the one with
 * a claim runs the job. Register jobs here, or annotate {@code @Scheduled} methods with {@link SingletonJob}.
 */
public class SingletonJobs implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SingletonJobs.class);
    private static final ThreadLocal<JobClaim> CURRENT = new ThreadLocal<>();

    private final JobOwnership ownership;
    private final Duration defaultLease;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
        Thread thread = new Thread(r, "sluice-singleton-jobs");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger inProgress = new AtomicInteger();
    private volatile boolean running;

    public SingletonJobs(JobOwnership ownership, Duration defaultLease) {
        this.ownership = ownership;
        this.defaultLease = defaultLease;
    }

    /** The claim of the singleton job running on this thread, for its fencing token; empty outside one. */
    public static Optional<JobClaim> currentClaim() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * The Redis lock of the singleton job running on this thread, for {@code FencedValues}; empty outside one, and
     * when the job runs under a Kubernetes leadership (then {@link #currentClaim()} has the token).
     */
    public static Optional<LockLease> currentLease() {
        return currentClaim().flatMap(JobClaim::lease);
    }

    /** Runs {@code task} every {@code every} (fixed delay) on whichever instance holds the job. */
    public ScheduledFuture<?> schedule(String name, Duration every, Duration lease, Consumer<JobClaim> task) {
        return scheduler.scheduleWithFixedDelay(() -> {
            try {
                runIfHolder(name, lease, () -> {
                    task.accept(CURRENT.get());
                    return null;
                });
            }
            catch (Exception e) {
                log.warn("Singleton job {} failed", name, e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code work} if this instance holds job {@code name} or can take it now, and returns its result; empty
     * when another instance holds it.
     */
    public <T> Optional<T> runIfHolder(String name, Duration lease, Callable<T> work) throws Exception {
        if (!running) {
            return Optional.empty();
        }
        Optional<JobClaim> claim = ownership.claim(name, lease == null ? defaultLease : lease);
        if (claim.isEmpty()) {
            return Optional.empty();
        }
        JobClaim outer = CURRENT.get();
        CURRENT.set(claim.get());
        inProgress.incrementAndGet();
        try {
            return Optional.ofNullable(work.call());
        }
        finally {
            inProgress.decrementAndGet();
            if (outer == null) {
                CURRENT.remove();
            }
            else {
                CURRENT.set(outer);
            }
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Hands every held job over: once the runs under way have finished (within the default lease), the claims are
     * released, and the next instance to tick takes the jobs without waiting for a lease to end.
     */
    @Override
    public void stop() {
        running = false;
        scheduler.shutdown();
        long deadline = System.nanoTime() + defaultLease.toNanos();
        while (inProgress.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        scheduler.shutdownNow();
        ownership.releaseAll();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
