package dev.sluice.traffic.loadbalancer;

import org.springframework.cloud.client.ServiceInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Passive outlier detection: an instance that fails {@code consecutiveFailures} times in a row (connect errors,
 * timeouts, 5xx) is ejected from load balancing for {@code baseEjection} times the number of times it has been
 * ejected, capped at {@code maxEjection}. At most {@code maxEjectionPercent} of a service's instances are ejected at
 * once, so a service-wide failure cannot eject everything.
 */
public class OutlierDetector {

    private final int consecutiveFailures;
    private final long baseEjectionMillis;
    private final long maxEjectionMillis;
    private final int maxEjectionPercent;
    private final LongSupplier clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Map<String, Integer> knownInstances = new ConcurrentHashMap<>();
    /** When the last ejection made so far ends: until then {@link #available} has to look instances up. */
    private final AtomicLong ejectionsEnd = new AtomicLong(Long.MIN_VALUE);

    public OutlierDetector(int consecutiveFailures, Duration baseEjection, Duration maxEjection, int maxEjectionPercent,
            LongSupplier clock) {
        this.consecutiveFailures = consecutiveFailures;
        this.baseEjectionMillis = baseEjection.toMillis();
        this.maxEjectionMillis = maxEjection.toMillis();
        this.maxEjectionPercent = maxEjectionPercent;
        this.clock = clock;
    }

    private static final class State {
        int failures;
        int ejections;
        long ejectedUntil;
    }

    /** The instances not ejected now: {@code instances} itself while no instance of any service is ejected. */
    public List<ServiceInstance> available(String serviceId, List<ServiceInstance> instances) {
        Integer known = knownInstances.get(serviceId);
        if (known == null || known != instances.size()) {
            knownInstances.put(serviceId, instances.size());
        }
        long now = clock.getAsLong();
        if (now >= ejectionsEnd.get()) {
            return instances; // the common case, on every request: no key to build, no list to copy
        }
        List<ServiceInstance> available = new ArrayList<>(instances.size());
        for (ServiceInstance instance : instances) {
            State state = states.get(key(serviceId, instance));
            if (state == null || state.ejectedUntil <= now) {
                available.add(instance);
            }
        }
        return available;
    }

    public void onSuccess(String serviceId, ServiceInstance instance) {
        State state = states.get(key(serviceId, instance));
        if (state != null) {
            synchronized (state) {
                state.failures = 0;
            }
        }
    }

    /** @return whether this failure ejected the instance */
    public boolean onFailure(String serviceId, ServiceInstance instance) {
        State state = states.computeIfAbsent(key(serviceId, instance), k -> new State());
        long now = clock.getAsLong();
        synchronized (state) {
            if (state.ejectedUntil > now || ++state.failures < consecutiveFailures) {
                return false;
            }
            if (!mayEject(serviceId, now)) {
                return false;
            }
            state.ejections++;
            state.failures = 0;
            state.ejectedUntil = now + Math.min(maxEjectionMillis, baseEjectionMillis * state.ejections);
            ejectionsEnd.accumulateAndGet(state.ejectedUntil, Math::max);
            return true;
        }
    }

    public boolean isEjected(String serviceId, ServiceInstance instance) {
        State state = states.get(key(serviceId, instance));
        return state != null && state.ejectedUntil > clock.getAsLong();
    }

    private boolean mayEject(String serviceId, long now) {
        int total = knownInstances.getOrDefault(serviceId, 1);
        String prefix = serviceId + "|";
        long ejected = states.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue().ejectedUntil > now).count();
        return (ejected + 1) * 100 <= (long) maxEjectionPercent * total;
    }

    private static String key(String serviceId, ServiceInstance instance) {
        return serviceId + "|" + instance.getHost() + ":" + instance.getPort();
    }
}
