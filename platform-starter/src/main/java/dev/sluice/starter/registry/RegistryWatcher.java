package dev.sluice.starter.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What this application knows of the registry: the live instances of each service it has asked about, held in
 * memory so that picking an instance never waits on Redis.
 * <ul>
 *   <li>A service is read from Redis the first time it is asked for, then kept fresh by a push on every join and
 *       leave (Redis pub/sub) and a check every {@code refresh}, which also drops instances silent past the TTL.</li>
 *   <li>While Redis cannot be read, the last known instances stay.</li>
 *   <li>After a failed read, an instance that was live is kept for one TTL even if its entry now looks stale: its
 *       heartbeats may simply not have landed while the node holding them failed over.</li>
 * </ul>
 */
public class RegistryWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RegistryWatcher.class);

    /** One service as last read: every entry, the live ones, and when a read last failed (nanoTime, 0 for never). */
    private record Known(List<RegisteredInstance> entries, List<ServiceInstance> live, long failedAt, boolean read) {

        static final Known UNREAD = new Known(List.of(), List.of(), 0, false);
    }

    private final RedisInstanceRegistry registry;
    private final ReactiveRedisConnectionFactory connections;
    private final Duration refresh;
    private final Duration timeout;
    private final long ttlMillis;
    private final ConcurrentMap<String, Known> known = new ConcurrentHashMap<>();
    private final Set<String> reading = ConcurrentHashMap.newKeySet();
    private final Set<String> readAgain = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, Mono<Void>> firstReads = new ConcurrentHashMap<>();
    private volatile List<String> services;
    private ScheduledExecutorService ticker;
    private Disposable subscription;

    /** @param connections where to subscribe to changes; null to rely on the periodic check alone */
    public RegistryWatcher(RedisInstanceRegistry registry, ReactiveRedisConnectionFactory connections,
            RegistryProperties properties) {
        this.registry = registry;
        this.connections = connections;
        this.refresh = properties.refresh();
        this.timeout = properties.timeout();
        this.ttlMillis = properties.ttl().toMillis();
    }

    /** The live instances of {@code service}; the first call for a service waits for its first read, within the timeout. */
    public List<ServiceInstance> instances(String service) {
        Known current = known.get(service);
        if (current != null && current.read()) {
            return current.live();
        }
        return firstRead(service).block();
    }

    /** As {@link #instances}, without blocking. */
    public Mono<List<ServiceInstance>> instancesLater(String service) {
        Known current = known.get(service);
        if (current != null && current.read()) {
            return Mono.just(current.live());
        }
        return firstRead(service);
    }

    private Mono<List<ServiceInstance>> firstRead(String service) {
        known.putIfAbsent(service, Known.UNREAD);
        // Callers that ask at once share one read. If it fails (Redis away), later callers get what is known at
        // once, and the periodic check keeps trying.
        Mono<Void> first = firstReads.computeIfAbsent(service, name -> fetch(name).cache());
        return first.timeout(timeout).onErrorResume(e -> Mono.empty())
                .then(Mono.fromSupplier(() -> known.getOrDefault(service, Known.UNREAD).live()));
    }

    /** The services heard from lately, as last read. */
    public List<String> services() {
        List<String> current = services;
        if (current == null) {
            readServices().timeout(timeout).onErrorResume(e -> Mono.empty()).block();
            current = services;
        }
        return current == null ? List.of() : current;
    }

    /** The services this application has asked about, with every entry as last read (live or stale). */
    public Map<String, List<RegisteredInstance>> known() {
        return known.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().entries()));
    }

    /** Reads {@code service} now; requests made while a read is under way are folded into one more read. */
    public void requestRead(String service) {
        if (known.containsKey(service)) {
            read(service).subscribe();
        }
    }

    private Mono<Void> read(String service) {
        if (!reading.add(service)) {
            readAgain.add(service);
            return Mono.empty();
        }
        return fetch(service).doFinally(signal -> {
            reading.remove(service);
            if (readAgain.remove(service)) {
                read(service).subscribe();
            }
        });
    }

    private Mono<Void> fetch(String service) {
        return registry.read(service)
                .timeout(timeout)
                .doOnNext(entries -> known.compute(service, (name, before) -> apply(name, before, entries)))
                .doOnError(error -> known.computeIfPresent(service, (name, before) -> failed(name, before, error)))
                .onErrorResume(error -> Mono.empty())
                .then();
    }

    private Known apply(String service, Known before, List<RegisteredInstance> entries) {
        Known previous = before == null ? Known.UNREAD : before;
        boolean readFailedLately = previous.failedAt() != 0
                && System.nanoTime() - previous.failedAt() < TimeUnit.MILLISECONDS.toNanos(ttlMillis);
        Set<String> wasLive = previous.live().stream().map(ServiceInstance::getInstanceId).collect(Collectors.toSet());
        List<ServiceInstance> live = entries.stream()
                .filter(e -> e.silentMillis() <= ttlMillis || (readFailedLately && wasLive.contains(e.instance().id())))
                .map(e -> e.instance().toServiceInstance())
                .toList();
        Set<String> nowLive = live.stream().map(ServiceInstance::getInstanceId).collect(Collectors.toSet());
        if (previous.read() && !nowLive.equals(wasLive)) {
            Set<String> joined = new HashSet<>(nowLive);
            joined.removeAll(wasLive);
            Set<String> left = new HashSet<>(wasLive);
            left.removeAll(nowLive);
            log.info("{}: {} live instance(s); joined {}, left {}", service, live.size(), joined, left);
        }
        return new Known(entries, live, readFailedLately ? previous.failedAt() : 0, true);
    }

    private Known failed(String service, Known before, Throwable error) {
        if (before.failedAt() == 0) {
            log.warn("Could not read {} from the Redis registry; keeping its {} last known instance(s): {}", service,
                    before.live().size(), error.toString());
        }
        return new Known(before.entries(), before.live(), System.nanoTime(), before.read());
    }

    private Mono<Void> readServices() {
        return registry.services().timeout(timeout).doOnNext(names -> services = names).then();
    }

    private void check() {
        known.keySet().forEach(service -> read(service).subscribe());
        readServices().onErrorResume(e -> Mono.empty()).subscribe();
    }

    @Override
    public synchronized void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-registry-watch");
            thread.setDaemon(true);
            return thread;
        });
        long every = refresh.toMillis();
        ticker.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        if (connections != null) {
            subscription = Flux.usingWhen(
                            Mono.fromSupplier(() -> new ReactiveRedisMessageListenerContainer(connections)),
                            container -> container.receive(ChannelTopic.of(RedisInstanceRegistry.CHANNEL)),
                            ReactiveRedisMessageListenerContainer::destroyLater)
                    // Creating the container connects synchronously: never on a timer or event-loop thread.
                    .subscribeOn(Schedulers.boundedElastic())
                    // Messages arrive on a Lettuce event loop, which a Redis call made there could wait on forever.
                    .publishOn(Schedulers.boundedElastic())
                    .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(refresh))
                    .repeatWhen(ended -> ended.delayElements(refresh))
                    .subscribe(message -> {
                        requestRead(message.getMessage());
                        readServices().onErrorResume(e -> Mono.empty()).subscribe();
                    }, error -> log.warn("Registry change subscription ended", error));
        }
    }

    @Override
    public synchronized void stop() {
        if (subscription != null) {
            subscription.dispose();
            subscription = null;
        }
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return ticker != null;
    }
}
