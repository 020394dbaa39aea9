package dev.sluice.gateway.sync;

import dev.sluice.gateway.route.InvalidRoutesException;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RouteTable;
import dev.sluice.gateway.store.ConfigRevision;
import dev.sluice.gateway.store.ConfigStore;
import dev.sluice.gateway.store.LastAppliedFile;
import dev.sluice.gateway.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Keeps this node's route table on the store's head revision.
 * <ol>
 *   <li>At start, before the server listens: load the head from Redis; seed the store from the YAML routes when it is
 *       empty; with Redis away, serve the last applied copy from disk (or the YAML) and report it stale.</li>
 *   <li>A push on every commit (Redis pub/sub, which a cluster broadcasts to all its nodes) triggers a check.</li>
 *   <li>A reconciliation check every few seconds, so a missed message only delays a node.</li>
 * </ol>
 * Every check runs on one thread, so revisions are applied in order, each one whole.
 */
public class ConfigSync implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConfigSync.class);

    private final ConfigStore store;
    private final RouteTable table;
    private final LastAppliedFile lastApplied;
    private final ReactiveRedisConnectionFactory connections;
    private final Duration reconcileEvery;
    private final List<RouteDocument> seed;
    private final AtomicBoolean checkQueued = new AtomicBoolean();
    private final Object appliedChanged = new Object();
    private volatile AppliedConfig applied;
    private volatile long failedRevision;
    private volatile boolean storeReachable = true;
    private ScheduledExecutorService worker;
    private Disposable subscription;

    /**
     * @param lastApplied where to keep the applied revision on disk; null to keep none
     * @param connections where to subscribe to change notifications; null to rely on the periodic check alone
     */
    public ConfigSync(ConfigStore store, RouteTable table, LastAppliedFile lastApplied,
            ReactiveRedisConnectionFactory connections, Duration reconcileEvery) {
        this.store = store;
        this.table = table;
        this.lastApplied = lastApplied;
        this.connections = connections;
        this.reconcileEvery = reconcileEvery;
        this.seed = table.documents();
        this.applied = new AppliedConfig(0, null, Instant.now(), "yaml", true, null);
    }

    public AppliedConfig applied() {
        return applied;
    }

    /** The routes to seed an empty store with: the YAML routes this node started with. */
    public List<RouteDocument> seed() {
        return seed;
    }

    @Override
    public void start() {
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-config-sync");
            thread.setDaemon(true);
            return thread;
        });
        try {
            worker.submit(this::startup).get();
        }
        catch (Exception e) {
            throw new IllegalStateException("Could not load the gateway config", e);
        }
        if (connections != null) {
            subscribe();
        }
        long every = reconcileEvery.toMillis();
        worker.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    private void subscribe() {
        subscription = Flux.usingWhen(
                        Mono.fromSupplier(() -> new ReactiveRedisMessageListenerContainer(connections)),
                        container -> container.receive(ChannelTopic.of(ConfigStore.CHANNEL)),
                        ReactiveRedisMessageListenerContainer::destroyLater)
                // Creating the container connects synchronously; a retry resubscribes on a timer thread, and a
                // (re)connection waited for there blocks it. Created on a worker instead.
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(reconcileEvery))
                .repeatWhen(ended -> ended.delayElements(reconcileEvery))
                .subscribe(message -> requestCheck(), error -> log.warn("Config change subscription ended", error));
    }

    /** Asks for a check soon; checks already queued absorb the request. */
    public void requestCheck() {
        if (checkQueued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    checkQueued.set(false);
                    check();
                });
            }
            catch (RejectedExecutionException e) {
                checkQueued.set(false); // stopping
            }
        }
    }

    /** Checks now and waits until this node has applied {@code revision} or later, or the timeout passed. */
    public boolean awaitApplied(long revision, Duration timeout) throws InterruptedException {
        requestCheck();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (appliedChanged) {
            while (applied.revision() < revision) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                appliedChanged.wait(left);
            }
        }
        return true;
    }

    private void startup() {
        try {
            store.head(); // throws when Redis is away, which check() would only log
            check();
        }
        catch (StoreUnavailableException e) {
            storeReachable = false;
            ConfigRevision local = lastApplied == null ? null : lastApplied.read().orElse(null);
            if (local != null && apply(local, "disk", true)) {
                log.warn("Redis is unreachable; serving revision {} from {} until it is back", local.revision(),
                        lastApplied.path());
            }
            else {
                log.warn("Redis is unreachable and no applied config is on disk; serving the YAML routes until it is back");
            }
        }
    }

    private void seedStore() {
        Map<String, Long> versions = seed.stream().collect(Collectors.toMap(RouteDocument::id, r -> 1L, (a, b) -> a));
        ConfigRevision first = new ConfigRevision(1, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                "bootstrap", "seeded from sluice.gateway.routes", seed, versions);
        if (store.commit(first).isPresent()) {
            log.info("The config store was empty: seeded revision 1 with {} routes from sluice.gateway.routes", seed.size());
        }
    }

    /** One reconciliation: applies the store's head if this node does not have it. Runs on the worker only. */
    private void check() {
        try {
            ConfigStore.Head head = store.headWithTime();
            if (head.revision() == 0) {
                seedStore();
                head = store.headWithTime();
            }
            if (!storeReachable) {
                log.info("Redis is reachable again; the config store's head is revision {}", head.revision());
                storeReachable = true;
            }
            AppliedConfig current = applied;
            if (head.revision() == current.revision() && (head.time() == null || head.time().equals(current.committed()))
                    && "redis".equals(current.source())) {
                if (current.stale()) {
                    setApplied(current.markStale(false));
                }
                return;
            }
            if (head.revision() == failedRevision) {
                return;
            }
            ConfigRevision revision = store.load(head.revision()).orElse(null);
            if (revision != null) {
                apply(revision, "redis", false);
            }
        }
        catch (StoreUnavailableException e) {
            if (storeReachable) {
                log.warn("Redis is unreachable; keeping revision {} until it is back: {}", applied.revision(),
                        e.getMessage());
                storeReachable = false;
            }
            if (!applied.stale()) {
                setApplied(applied.markStale(true));
            }
        }
        catch (RuntimeException e) {
            log.error("Config check failed", e);
        }
    }

    private boolean apply(ConfigRevision revision, String source, boolean stale) {
        try {
            table.replace(revision.routes());
        }
        catch (InvalidRoutesException e) {
            failedRevision = revision.revision();
            String why = e.violations().stream().map(v -> v.field() + " " + v.message())
                    .collect(Collectors.joining("; "));
            log.error("Revision {} cannot be applied on this node, keeping revision {}: {}", revision.revision(),
                    applied.revision(), why);
            setApplied(applied.withError("revision " + revision.revision() + ": " + why));
            return false;
        }
        if (lastApplied != null && !"disk".equals(source)) {
            lastApplied.write(revision); // before it is reported applied, so a restart right after finds it
        }
        setApplied(new AppliedConfig(revision.revision(), revision.time(), Instant.now(), source, stale, null));
        log.info("Applied config revision {} ({} routes, from {})", revision.revision(), revision.routes().size(), source);
        return true;
    }

    private void setApplied(AppliedConfig next) {
        synchronized (appliedChanged) {
            applied = next;
            appliedChanged.notifyAll();
        }
    }

    @Override
    public void stop() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null && !worker.isShutdown();
    }

    @Override
    public int getPhase() {
        return 0; // before the web servers (which start late), so no request meets the YAML routes by mistake
    }
}
