package dev.sluice.starter.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * This instance's entry in the registry, over its life:
 * <ol>
 *   <li>the web server listens: the port to announce is known;</li>
 *   <li>readiness turns to accepting traffic: the first heartbeat registers it, and readers are told at once; it
 *       runs before readiness is recorded (within 5 s, as it also opens the Redis connections), so a probe that
 *       sees the instance ready finds it registered;</li>
 *   <li>a heartbeat every {@code heartbeat}; after a failed one (Redis away, a failover under way) it tries again
 *       sooner, and keeps trying for as long as the instance runs;</li>
 *   <li>readiness turns to refusing traffic, or the application stops: it deregisters, readers are told, and a
 *       graceful stop keeps serving for {@code drain} before the web server stops taking requests.</li>
 * </ol>
 * Readiness waits for the registry 5 s at most: an instance that cannot reach Redis still serves
 * direct calls and reports ready, while it keeps trying to register ({@link #registered()} says whether it is).
 */
public class InstanceRegistration implements SmartLifecycle, ApplicationListener<ApplicationEvent>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(InstanceRegistration.class);
    private static final Duration FIRST_HEARTBEAT = Duration.ofSeconds(5);

    private final RedisInstanceRegistry registry;
    private final IntFunction<InstanceRecord> describe;
    private final Duration heartbeat;
    private final Duration timeout;
    private final Duration drain;
    private final Integer fixedPort;
    private volatile ScheduledExecutorService worker;
    private volatile InstanceRecord self;
    private volatile boolean announcing;
    private volatile boolean registered;
    private volatile boolean failing;
    private volatile long leftAt;

    /** @param describe builds this instance's record from the port to announce */
    public InstanceRegistration(RedisInstanceRegistry registry, IntFunction<InstanceRecord> describe,
            RegistryProperties properties) {
        this.registry = registry;
        this.describe = describe;
        this.heartbeat = properties.heartbeat();
        this.timeout = properties.timeout();
        this.drain = properties.drain();
        this.fixedPort = properties.port();
    }

    /** What this instance announces; null until its web server listens. */
    public InstanceRecord self() {
        return self;
    }

    /** Whether the last heartbeat landed. */
    public boolean registered() {
        return registered;
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof WebServerInitializedEvent server
                && server.getApplicationContext().getServerNamespace() == null) {
            self = describe.apply(fixedPort != null ? fixedPort : server.getWebServer().getPort());
        }
        else if (event instanceof AvailabilityChangeEvent<?> change && change.getState() instanceof ReadinessState state) {
            if (state == ReadinessState.ACCEPTING_TRAFFIC) {
                announce();
            }
            else {
                leave();
            }
        }
    }

    /**
     * The first heartbeat runs before readiness is recorded (this listener comes first), within the Redis timeout:
     * when Redis is up, an instance that reports ready is already registered, and readers have been told.
     */
    private void announce() {
        ScheduledExecutorService running;
        synchronized (this) {
            if (self == null || worker == null || announcing) {
                return;
            }
            announcing = true;
            running = worker;
        }
        try {
            running.submit(() -> beat(firstTimeout())).get(firstTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            // beat() retries by itself; readiness does not wait for the registry
        }
    }

    /**
     * The first heartbeat's budget: it also opens the Redis connections, which on a busy machine can take longer
     * than one call's timeout; missed, the instance would report ready unregistered for a retry's delay or more.
     */
    private Duration firstTimeout() {
        return timeout.compareTo(FIRST_HEARTBEAT) > 0 ? timeout : FIRST_HEARTBEAT;
    }

    private void schedule(Duration delay) {
        ScheduledExecutorService running = worker;
        if (running == null) {
            return;
        }
        try {
            running.schedule(() -> beat(timeout), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void beat(Duration budget) {
        if (!announcing) {
            return;
        }
        try {
            boolean joined = Boolean.TRUE.equals(registry.heartbeat(self).block(budget));
            if (joined) {
                log.info("Registered {} instance {} in the Redis registry", self.service(), self.id());
            }
            else if (failing) {
                log.info("Heartbeats of {} land in the Redis registry again", self.id());
            }
            registered = true;
            failing = false;
            schedule(heartbeat);
        }
        catch (RuntimeException e) {
            if (!failing) {
                log.warn("Could not register {} in the Redis registry; retrying every {} ms: {}", self.id(),
                        retryDelay().toMillis(), e.toString());
            }
            failing = true;
            registered = false;
            schedule(retryDelay());
        }
    }

    private Duration retryDelay() {
        return heartbeat.dividedBy(4).compareTo(Duration.ofMillis(200)) < 0 ? Duration.ofMillis(200) : heartbeat.dividedBy(4);
    }

    /**
     * Stops heartbeating and removes the entry. The removal runs on the heartbeat thread, after any heartbeat in
     * flight, so that no late heartbeat registers the instance again.
     */
    private void leave() {
        ScheduledExecutorService running;
        synchronized (this) {
            if (!announcing) {
                return;
            }
            announcing = false;
            leftAt = System.nanoTime();
            running = worker;
        }
        try {
            running.submit(this::deregister).get(timeout.toMillis() * 3, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("Could not deregister {}; it leaves discovery when its entry expires: {}", self.id(), e.toString());
        }
    }

    private void deregister() {
        registered = false;
        try {
            registry.deregister(self.service(), self.id()).block(timeout);
            log.info("Deregistered {} from the Redis registry", self.id());
        }
        catch (RuntimeException e) {
            log.warn("Could not deregister {}; it leaves discovery when its entry expires: {}", self.id(), e.toString());
        }
    }

    @Override
    public synchronized void start() {
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-registry-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs before the web server's graceful shutdown (a higher phase stops first): deregisters, then keeps serving
     * until {@code drain} has passed since, so that callers stop choosing this instance before it refuses them.
     */
    @Override
    public void stop() {
        boolean wasAnnounced = announcing || leftAt != 0;
        leave();
        synchronized (this) {
            if (worker != null) {
                worker.shutdownNow();
                worker = null;
            }
        }
        if (wasAnnounced) {
            long waitNanos = drain.toNanos() - (System.nanoTime() - leftAt);
            if (waitNanos > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return worker != null;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    /** Before the listener that records readiness, so that "ready" follows the first heartbeat. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
