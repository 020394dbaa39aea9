package dev.sluice.starter.jobs;

import dev.sluice.starter.lock.DistributedLocks;
import dev.sluice.starter.lock.LockLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Jobs that run on one instance at a time. Each job has a lock, {@code job:SERVICE:NAME}; the instance that holds
 * it is the job's holder, keeps it by renewing its lease, and is the only one that runs the job. Every other
 * instance tries to take the lock at each of its ticks, which succeeds once the holder has released it (a graceful
 * stop) or lost it (its lease ran out: it died, froze, or lost Redis). Register jobs here, or annotate
 * {@code @Scheduled} methods with {@link SingletonJob}.
 */
public class SingletonJobs implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SingletonJobs.class);
    private static final ThreadLocal<LockLease> CURRENT = new ThreadLocal<>();

    /** A job this instance holds: its lease, kept renewed. */
    private record Held(LockLease lease, ScheduledFuture<?> renewal) {
    }

    private final DistributedLocks locks;
    private final String service;
    private final Duration defaultLease;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
        Thread thread = new Thread(r, "sluice-singleton-jobs");
        thread.setDaemon(true);
        return thread;
    });
    private final java.util.concurrent.atomic.AtomicInteger inProgress = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running;

    public SingletonJobs(DistributedLocks locks, String service, Duration defaultLease) {
        this.locks = locks;
        this.service = service;
        this.defaultLease = defaultLease;
    }

    /** The lease of the singleton job running on this thread, for its fencing token; empty outside one. */
    public static Optional<LockLease> currentLease() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Runs {@code task} every {@code every} (fixed delay) on whichever instance holds the job. */
    public ScheduledFuture<?> schedule(String name, Duration every, Duration lease, Consumer<LockLease> task) {
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
        LockLease current = hold(name, lease == null ? defaultLease : lease);
        if (current == null) {
            return Optional.empty();
        }
        LockLease outer = CURRENT.get();
        CURRENT.set(current);
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

    /** Whether this instance holds job {@code name} now, as far as it knows. */
    public boolean holds(String name) {
        Held mine = held.get(name);
        return mine != null && mine.lease().isHeld();
    }

    private synchronized LockLease hold(String name, Duration lease) {
        Held mine = held.get(name);
        // A lease whose local belief ran out may still be this instance's in Redis: a renewal says.
        if (mine != null && (mine.lease().isHeld() || mine.lease().renew())) {
            return mine.lease();
        }
        if (mine != null) {
            mine.renewal().cancel(false);
            held.remove(name);
            log.warn("Lost singleton job {} (token {}): its lease could not be renewed", name, mine.lease().token());
        }
        Optional<LockLease> taken = locks.tryLock("job:" + service + ":" + name, lease, Duration.ZERO);
        if (taken.isEmpty()) {
            return null;
        }
        held.put(name, new Held(taken.get(), locks.keepRenewed(taken.get())));
        log.info("This instance now runs singleton job {} (token {})", name, taken.get().token());
        return taken.get();
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Hands every held job over: once the runs under way have finished (within their lease), the leases are
     * released, and the next instance to tick takes the job without waiting for a lease to end.
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
        releaseAll();
    }

    private synchronized void releaseAll() {
        held.forEach((name, mine) -> {
            mine.renewal().cancel(false);
            if (mine.lease().release()) {
                log.info("Released singleton job {}", name);
            }
        });
        held.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
