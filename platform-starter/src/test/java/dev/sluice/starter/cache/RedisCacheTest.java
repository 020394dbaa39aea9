package dev.sluice.starter.cache;

import dev.sluice.starter.cache.CachedApp.Catalog;
import dev.sluice.starter.cache.CachedApp.Item;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Cacheable} on a real Redis Cluster, shared by two instances of a service; and the same service with Redis
 * unreachable. Each test uses its own SKUs.
 */
class RedisCacheTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    static final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    static ConfigurableApplicationContext first;
    static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() {
        first = CachedApp.start(REDIS.cluster().nodeAddresses());
        apps.add(first);
        second = CachedApp.start(REDIS.cluster().nodeAddresses());
        apps.add(second);
    }

    @AfterAll
    static void stop() {
        apps.forEach(ConfigurableApplicationContext::close);
    }

    static Catalog catalog(ConfigurableApplicationContext app) {
        return app.getBean(Catalog.class);
    }

    static String sku(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void oneInstanceLoadsAndTheOtherIsServedFromTheCache() {
        String sku = sku("shared");
        int firstLoads = catalog(first).loads();
        int secondLoads = catalog(second).loads();
        Item loaded = catalog(first).item(sku);
        Item cached = catalog(second).item(sku);
        assertThat(cached).isEqualTo(loaded);
        assertThat(catalog(first).loads() - firstLoads).isEqualTo(1);
        assertThat(catalog(second).loads() - secondLoads).isZero();
    }

    @Test
    void aWriteOnOneInstanceEvictsTheEntryForBoth() {
        String sku = sku("evicted");
        catalog(first).price(sku, 10);
        catalog(second).priceInDatabase(sku, 10);
        assertThat(catalog(first).item(sku).price()).isEqualTo(10);
        assertThat(catalog(second).item(sku).price()).isEqualTo(10);

        catalog(second).price(sku, 12);           // the second instance writes, and evicts for both
        catalog(first).priceInDatabase(sku, 12);  // (each test instance has its own "database")
        assertThat(catalog(first).item(sku).price()).isEqualTo(12);
    }

    @Test
    void concurrentMissesForOneKeyLoadItOncePerInstance() throws Exception {
        String sku = sku("stampede");
        Catalog catalog = catalog(first);
        catalog.slowLoads(300);
        int before = catalog.loads();
        ExecutorService callers = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Item>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                answers.add(callers.submit(() -> {
                    go.await();
                    return catalog.item(sku);
                }));
            }
            go.countDown();
            for (Future<Item> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS).sku()).isEqualTo(sku);
            }
        }
        finally {
            catalog.slowLoads(0);
            callers.shutdown();
        }
        assertThat(catalog.loads() - before).isEqualTo(1);
    }

    @Test
    void entriesLiveForTheirCachesTtl() throws Exception {
        String sku = sku("short");
        ReactiveStringRedisTemplate redis = first.getBean(ReactiveStringRedisTemplate.class);
        catalog(first).item(sku);
        Duration defaultTtl = redis.getExpire(itemKey(sku)).block();
        assertThat(defaultTtl).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));

        int before = catalog(first).loads();
        catalog(first).shortLived(sku);
        catalog(first).shortLived(sku);
        assertThat(catalog(first).loads() - before).isEqualTo(1);
        Duration ttl = redis.getExpire("sluice:cache:catalog:short:" + sku).block();
        assertThat(ttl).isBetween(Duration.ZERO, Duration.ofSeconds(1));
        Thread.sleep(1_300);
        catalog(first).shortLived(sku);
        assertThat(catalog(first).loads() - before).isEqualTo(2);
    }

    private static String itemKey(String sku) {
        return "sluice:cache:catalog:items:" + sku;
    }

    @Test
    void valuesAreJsonOtherLanguagesCanReadAndKeysSpreadOverTheCluster() {
        ReactiveStringRedisTemplate redis = first.getBean(ReactiveStringRedisTemplate.class);
        String sku = sku("json");
        catalog(first).price(sku, 7);
        catalog(first).item(sku);
        JsonNode document = JsonMapper.builder().build().readTree(redis.opsForValue().get(itemKey(sku)).block());
        assertThat(document.get("sku").asString()).isEqualTo(sku);
        assertThat(document.get("price").asInt()).isEqualTo(7);
        assertThat(document.get("tags").toString()).contains("\"a\"", "\"b\"");

        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            slots.add(SlotHash.getSlot(itemKey(sku("spread"))));
        }
        assertThat(slots).hasSizeGreaterThan(20);
    }

    @Test
    void withRedisUnreachableCallsFallThroughWithinTheBudgetAndAreCounted() {
        ConfigurableApplicationContext cut = CachedApp.start("127.0.0.1:1", "--sluice.cache.timeout=100ms");
        apps.add(cut);
        Catalog catalog = catalog(cut);
        String sku = sku("away");
        for (int i = 0; i < 5; i++) {
            long began = System.nanoTime();
            assertThat(catalog.item(sku).sku()).isEqualTo(sku);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofMillis(1_000));
        }
        assertThat(catalog.loads()).isEqualTo(5); // every call ran the method
        double errors = cut.getBean(MeterRegistry.class).get("sluice.cache.gets").tag("cache", "items")
                .tag("result", "error").counter().count();
        assertThat(errors).isEqualTo(5);
    }
}
