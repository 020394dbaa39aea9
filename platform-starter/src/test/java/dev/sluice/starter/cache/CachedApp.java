package dev.sluice.starter.cache;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A service that caches item reads with nothing but {@code @EnableCaching}, the starter and properties. */
@EnableAutoConfiguration
@EnableCaching
@Import(CachedApp.Catalog.class)
class CachedApp {

    record Item(String sku, int price, List<String> tags) {
    }

    static ConfigurableApplicationContext start(String redisNodes, String... extra) {
        Map<String, String> settings = new java.util.LinkedHashMap<>(Map.of("spring.application.name", "catalog",
                "spring.data.redis.cluster.nodes", redisNodes, "sluice.registry.enabled", "false",
                "sluice.cache.caches.short.ttl", "1s", "sluice.cache.timeout", "1s"));
        for (String arg : extra) { // --name=value, overriding the defaults above
            settings.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        List<String> args = new ArrayList<>();
        settings.forEach((name, value) -> args.add("--" + name + "=" + value));
        SpringApplication app = new SpringApplication(CachedApp.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run(args.toArray(String[]::new));
    }

    /** The "database": prices by SKU, and how often each read reached it. */
    @Service
    static class Catalog {
        final Map<String, Integer> prices = new ConcurrentHashMap<>();
        final AtomicInteger loads = new AtomicInteger();
        volatile long loadMillis;

        @Cacheable(cacheNames = "items", sync = true)
        public Item item(String sku) {
            loads.incrementAndGet();
            sleep(loadMillis);
            return new Item(sku, prices.getOrDefault(sku, 0), List.of("a", "b"));
        }

        @Cacheable(cacheNames = "short", sync = true)
        public Item shortLived(String sku) {
            loads.incrementAndGet();
            return new Item(sku, prices.getOrDefault(sku, 0), List.of());
        }

        @CacheEvict(cacheNames = "items", key = "#sku")
        public void price(String sku, int price) {
            prices.put(sku, price);
        }

        // The bean is a proxy: tests reach its state through methods, never fields.

        /** Changes the "database" behind the cache's back, as another instance's write would. */
        public void priceInDatabase(String sku, int price) {
            prices.put(sku, price);
        }

        public int loads() {
            return loads.get();
        }

        public void slowLoads(long millis) {
            loadMillis = millis;
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
