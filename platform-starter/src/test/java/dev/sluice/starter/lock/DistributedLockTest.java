package dev.sluice.starter.lock;

import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Locks on a real Redis Cluster, as two instances ({@code a} and {@code b}, each its own client) use them. Each test
 * uses its own lock names.
 */
class DistributedLockTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    static final List<LettuceConnectionFactory> factories = new ArrayList<>();
    static DistributedLocks a;
    static DistributedLocks b;
    static FencedValues store;

    @BeforeAll
    static void connect() {
        a = new DistributedLocks(template(), "a", Duration.ofSeconds(1));
        b = new DistributedLocks(template(), "b", Duration.ofSeconds(1));
        store = new FencedValues(template(), Duration.ofSeconds(1));
    }

    @AfterAll
    static void disconnect() {
        a.close();
        b.close();
        factories.forEach(LettuceConnectionFactory::destroy);
    }

    static ReactiveStringRedisTemplate template() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisClusterConfiguration(List.of(REDIS.cluster().nodeAddresses().split(","))),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(1))
                        .clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(
                                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                                        .enablePeriodicRefresh(Duration.ofSeconds(1)).build()).build())
                        .build());
        factory.afterPropertiesSet();
        factory.start();
        factories.add(factory);
        return new ReactiveStringRedisTemplate(factory);
    }

    static String name(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void oneHolderAtATimeAndEachAcquisitionGetsAHigherToken() throws Exception {
        String lock = name("counter");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        List<Long> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            DistributedLocks locks = i % 2 == 0 ? a : b;
            workers.add(pool.submit(() -> {
                for (int round = 0; round < 5; round++) {
                    locks.withLock(lock, Duration.ofSeconds(5), Duration.ofSeconds(30), lease -> {
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        tokens.add(lease.token());
                        sleep(5);
                        inside.decrementAndGet();
                        return null;
                    });
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(mostInside.get()).isEqualTo(1);
        assertThat(tokens).hasSize(40).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void tryLockWaitsForTheHolderWithinItsTimeoutAndOnlyThen() {
        String lock = name("wait");
        LockLease held = a.tryLock(lock, Duration.ofSeconds(10), Duration.ZERO).orElseThrow();
        long began = System.nanoTime();
        assertThat(b.tryLock(lock, Duration.ofSeconds(10), Duration.ofMillis(300))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isBetween(Duration.ofMillis(300), Duration.ofMillis(1500));

        CountDownLatch releasing = new CountDownLatch(1);
        new Thread(() -> {
            sleep(200);
            held.release();
            releasing.countDown();
        }).start();
        Optional<LockLease> next = b.tryLock(lock, Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertThat(next).isPresent();
        assertThat(next.get().token()).isGreaterThan(held.token());
        next.get().release();
    }

    @Test
    void renewalKeepsTheLockPastItsLease() {
        String lock = name("renewed");
        Optional<Long> tokenSeenByOther = a.withLock(lock, Duration.ofMillis(600), Duration.ZERO, lease -> {
            sleep(1_500); // two and a half leases, renewed every 200 ms
            assertThat(lease.isHeld()).isTrue();
            return b.tryLock(lock, Duration.ofSeconds(1), Duration.ZERO).map(LockLease::token).orElse(-1L);
        });
        assertThat(tokenSeenByOther).contains(-1L);
        // Released after the work: the other instance takes it at once.
        assertThat(b.tryLock(lock, Duration.ofSeconds(1), Duration.ZERO)).isPresent();
    }

    @Test
    void aHolderThatPausedPastItsLeaseHasItsLateWriteRefusedByTheToken() {
        String lock = name("ledger");
        String key = "ledger:" + lock;
        LockLease paused = a.tryLock(lock, Duration.ofMillis(500), Duration.ZERO).orElseThrow();
        assertThat(store.write(key, "a-1", paused)).isTrue();

        sleep(800); // a GC pause, a frozen VM: no renewal, the lease runs out
        assertThat(paused.isHeld()).isFalse();
        LockLease newer = b.tryLock(lock, Duration.ofSeconds(5), Duration.ZERO).orElseThrow();
        assertThat(newer.token()).isGreaterThan(paused.token());
        assertThat(store.write(key, "b-1", newer)).isTrue();

        // The paused holder wakes and writes as if it still held the lock: refused.
        assertThat(store.write(key, "a-late", paused)).isFalse();
        assertThat(store.read(key)).contains("b-1");
        assertThat(store.fence(key)).isEqualTo(newer.token());
        // Nor can it renew or release what is now someone else's.
        assertThat(paused.renew()).isFalse();
        assertThat(paused.release()).isFalse();
        assertThat(a.tryLock(lock, Duration.ofSeconds(1), Duration.ZERO)).isEmpty();
        assertThat(newer.release()).isTrue();
    }

    @Test
    void onlyTheHolderReleases() {
        String lock = name("owned");
        LockLease held = a.tryLock(lock, Duration.ofSeconds(5), Duration.ZERO).orElseThrow();
        // Another acquisition of the same name from this very instance is another owner.
        assertThat(a.tryLock(lock, Duration.ofSeconds(5), Duration.ZERO)).isEmpty();
        LockLease forged = new LockLease(b, lock, "b/someone", held.token(), Duration.ofSeconds(5), System.nanoTime());
        assertThat(forged.release()).isFalse();
        assertThat(b.tryLock(lock, Duration.ofSeconds(5), Duration.ZERO)).isEmpty();
        assertThat(held.release()).isTrue();
    }

    @Test
    void tokensKeepGrowingAcrossAMasterFailover() throws Exception {
        String lock = name("failover");
        LockLease before = a.tryLock(lock, Duration.ofSeconds(2), Duration.ZERO).orElseThrow();
        before.release();
        sleep(200); // let the replica catch up: replication is asynchronous
        RedisCluster.Failover failover = REDIS.cluster().killMasterAndAwaitFailover(
                DistributedLocks.keys(lock).get(1), Duration.ofSeconds(20));
        try {
            Optional<LockLease> after = a.tryLock(lock, Duration.ofSeconds(2), Duration.ofSeconds(15));
            assertThat(after).isPresent();
            assertThat(after.get().token()).isGreaterThan(before.token());
            after.get().release();
        }
        finally {
            REDIS.cluster().restart(failover.killed());
        }
    }

    @Test
    void aLockNameThatWouldBreakTheHashTagIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.tryLock("a}b", Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no braces");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
