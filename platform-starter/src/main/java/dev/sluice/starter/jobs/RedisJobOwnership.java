package dev.sluice.starter.jobs;

import dev.sluice.starter.lock.DistributedLocks;
import dev.sluice.starter.lock.LockLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * Each job has a lock in the Redis Cluster, {@code job:SERVICE:NAME}. The instance that holds it keeps it by renewing
 * its lease; every other instance tries to take it at each of its ticks, which succeeds once the holder released it
 * (a graceful stop) or lost it (its lease ran out: it died, froze, or lost Redis). The lock's fencing token is the
 * claim's.
 */
public class RedisJobOwnership implements JobOwnership {

    private static final Logger log = LoggerFactory.getLogger(RedisJobOwnership.class);

    /** A job this instance holds: its lease, kept renewed. */
    private record Held(LockLease lease, ScheduledFuture<?> renewal) {
    }

    private final DistributedLocks locks;
    private final String service;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public RedisJobOwnership(DistributedLocks locks, String service) {
        this.locks = locks;
        this.service = service;
    }

    @Override
    public synchronized Optional<JobClaim> claim(String name, Duration lease) {
        Held mine = held.get(name);
        // A lease whose local belief ran out may still be this instance's in Redis: a renewal says.
        if (mine != null && (mine.lease().isHeld() || mine.lease().renew())) {
            return Optional.of(new JobClaim(mine.lease().token(), mine.lease()));
        }
        if (mine != null) {
            mine.renewal().cancel(false);
            held.remove(name);
            log.warn("Lost singleton job {} (token {}): its lease could not be renewed", name, mine.lease().token());
        }
        Optional<LockLease> taken = locks.tryLock("job:" + service + ":" + name, lease, Duration.ZERO);
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        held.put(name, new Held(taken.get(), locks.keepRenewed(taken.get())));
        log.info("This instance now runs singleton job {} (token {})", name, taken.get().token());
        return Optional.of(new JobClaim(taken.get().token(), taken.get()));
    }

    @Override
    public synchronized void releaseAll() {
        held.forEach((name, mine) -> {
            mine.renewal().cancel(false);
            if (mine.lease().release()) {
                log.info("Released singleton job {}", name);
            }
        });
        held.clear();
    }
}
