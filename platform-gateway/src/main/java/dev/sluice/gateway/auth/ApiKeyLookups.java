package dev.sluice.gateway.auth;

import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Presented API keys, looked up in the Redis Cluster and held on this node for a few seconds, so that a busy client
 * costs Redis one lookup per {@code fresh} rather than one per request. When Redis does not answer, a key seen
 * lately (within {@code grace}) is still taken as it was; any other key gets {@link Status#UNAVAILABLE}, and the
 * request a 503: a key is never let through unchecked. A revoked key stops working within {@code fresh}.
 */
public final class ApiKeyLookups {

    enum Status { FOUND, UNKNOWN, UNAVAILABLE }

    record Lookup(Status status, ApiKey key) {
    }

    private record Held(Optional<ApiKey> key, long atMillis) {
    }

    private final ApiKeys keys;
    private final long freshMillis;
    private final long graceMillis;
    private final int capacity;
    private final LongSupplier clock;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public ApiKeyLookups(ApiKeys keys, Duration fresh, Duration grace, int capacity, LongSupplier clock) {
        this.keys = keys;
        this.freshMillis = fresh.toMillis();
        this.graceMillis = grace.toMillis();
        this.capacity = capacity;
        this.clock = clock;
    }

    Mono<Lookup> lookup(String presented) {
        String hash = ApiKeys.hash(presented);
        long now = clock.getAsLong();
        Held seen = held.get(hash);
        if (seen != null && now - seen.atMillis() < freshMillis) {
            return Mono.just(of(seen.key()));
        }
        return keys.find(hash)
                .map(found -> {
                    hold(hash, new Held(found, clock.getAsLong()));
                    return of(found);
                })
                .onErrorResume(e -> Mono.just(seen != null && clock.getAsLong() - seen.atMillis() < graceMillis
                        ? of(seen.key()) : new Lookup(Status.UNAVAILABLE, null)));
    }

    private void hold(String hash, Held entry) {
        if (held.size() >= capacity && !held.containsKey(hash)) {
            long now = clock.getAsLong();
            held.values().removeIf(h -> now - h.atMillis() >= graceMillis);
            if (held.size() >= capacity) {
                return;
            }
        }
        held.put(hash, entry);
    }

    private static Lookup of(Optional<ApiKey> key) {
        return key.map(k -> new Lookup(Status.FOUND, k)).orElseGet(() -> new Lookup(Status.UNKNOWN, null));
    }
}
