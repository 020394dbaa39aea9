package dev.sluice.starter.cache;

import dev.sluice.starter.UnconnectedRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** When the Redis cache manager is wired: only with caching on and Redis present, and never over the service's own. */
class RedisCacheAutoConfigurationTest {

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RedisCacheAutoConfiguration.class))
            .withPropertyValues("spring.application.name=catalog", "sluice.cache.caches.items.ttl=30s");


    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Caching {
    }

    @Test
    void aServiceWithCachingOnAndRedisGetsTheRedisCacheManagerWithPerCacheTtls() {
        runner.withUserConfiguration(UnconnectedRedis.class, Caching.class).run(context -> {
            assertThat(context).getBean(CacheManager.class).isInstanceOf(RedisClusterCacheManager.class);
            RedisClusterCache items = (RedisClusterCache) context.getBean(CacheManager.class).getCache("items");
            assertThat(items.ttl()).hasSeconds(30);
            assertThat(items.redisKey("sku-1")).isEqualTo("sluice:cache:catalog:items:sku-1");
            assertThat(((RedisClusterCache) context.getBean(CacheManager.class).getCache("other")).ttl()).hasMinutes(10);
        });
    }

    @Test
    void withoutEnableCachingOrRedisOrWithTheSwitchOffThereIsNone() {
        runner.withUserConfiguration(UnconnectedRedis.class).run(context -> assertThat(context).doesNotHaveBean(CacheManager.class));
        // With caching on but no manager of ours, Spring asks for one (in an application, Spring Boot's own cache
        // auto-configuration, left out here, would provide it).
        runner.withUserConfiguration(Caching.class).run(context -> assertThat(context).getFailure()
                .hasMessageContaining("No qualifying bean of type 'org.springframework.cache.CacheManager'"));
        runner.withUserConfiguration(UnconnectedRedis.class, Caching.class).withPropertyValues("sluice.cache.enabled=false")
                .run(context -> assertThat(context).getFailure()
                        .hasMessageContaining("No qualifying bean of type 'org.springframework.cache.CacheManager'"));
    }

    @Test
    void theServicesOwnCacheManagerWins() {
        runner.withUserConfiguration(UnconnectedRedis.class, Caching.class, Own.class).run(context ->
                assertThat(context).getBean(CacheManager.class).isInstanceOf(ConcurrentMapCacheManager.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class Own {
        @Bean
        CacheManager cacheManager() {
            return new ConcurrentMapCacheManager();
        }
    }
}
