package dev.sluice.starter.registry;

import dev.sluice.starter.UnconnectedRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** When the registry is wired, when it stays away (by property, on Kubernetes, without Redis), and when it backs off. */
class RegistryAutoConfigurationTest {

    final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RegistryAutoConfiguration.class))
            .withPropertyValues("spring.application.name=catalog", "sluice.registry.host=127.0.0.1");


    @Test
    void aWebApplicationWithRedisRegistersAndDiscoversThroughTheRegistry() {
        web.withUserConfiguration(UnconnectedRedis.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(RedisInstanceRegistry.class);
            assertThat(context).hasSingleBean(RegistryWatcher.class);
            assertThat(context).hasSingleBean(RegistryDiscoveryClient.class);
            assertThat(context).hasSingleBean(RegistryReactiveDiscoveryClient.class);
            assertThat(context).hasSingleBean(InstanceRegistration.class);
            // Closed like every actuator endpoint but health, until the service exposes it.
            assertThat(context).doesNotHaveBean(RegistryEndpoint.class);
        });
    }

    @Test
    void anExposedEndpointIsServed() {
        web.withUserConfiguration(UnconnectedRedis.class)
                .withPropertyValues("management.endpoints.web.exposure.include=health,registry")
                .run(context -> assertThat(context).hasSingleBean(RegistryEndpoint.class));
    }

    @Test
    void anApplicationThatOnlyReadsDoesNotRegister() {
        web.withUserConfiguration(UnconnectedRedis.class)
                .withPropertyValues("sluice.registry.register=false")
                .run(context -> {
                    assertThat(context).hasSingleBean(RegistryDiscoveryClient.class);
                    assertThat(context).doesNotHaveBean(InstanceRegistration.class);
                });
    }

    @Test
    void aNonWebApplicationDiscoversButDoesNotRegister() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RegistryAutoConfiguration.class))
                .withUserConfiguration(UnconnectedRedis.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(RegistryReactiveDiscoveryClient.class);
                    assertThat(context).doesNotHaveBean(InstanceRegistration.class);
                });
    }

    @Test
    void theSwitchTurnsItOff() {
        web.withUserConfiguration(UnconnectedRedis.class)
                .withPropertyValues("sluice.registry.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(RedisInstanceRegistry.class);
                    assertThat(context).doesNotHaveBean(RegistryDiscoveryClient.class);
                    assertThat(context).doesNotHaveBean(InstanceRegistration.class);
                });
    }

    @Test
    void onKubernetesItIsOffUnlessAskedFor() {
        web.withUserConfiguration(UnconnectedRedis.class)
                .withPropertyValues("spring.main.cloud-platform=kubernetes")
                .run(context -> assertThat(context).doesNotHaveBean(RedisInstanceRegistry.class));
        web.withUserConfiguration(UnconnectedRedis.class)
                .withPropertyValues("spring.main.cloud-platform=kubernetes", "sluice.registry.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(RedisInstanceRegistry.class));
    }

    @Test
    void withoutRedisThereIsNoRegistry() {
        web.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(RedisInstanceRegistry.class);
        });
    }

    @Test
    void itBacksOffForTheServicesOwnBeans() {
        web.withUserConfiguration(UnconnectedRedis.class, OwnRegistry.class).run(context -> {
            assertThat(context).getBean(RedisInstanceRegistry.class).isSameAs(context.getBean("ownRegistry"));
        });
    }

    @Test
    void aTtlShorterThanTwoHeartbeatsStopsTheStartNamingBoth() {
        web.withUserConfiguration(UnconnectedRedis.class)
                .withPropertyValues("sluice.registry.heartbeat=5s", "sluice.registry.ttl=6s")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("sluice.registry.ttl (PT6S) must be at least two heartbeats (PT10S)"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {
        @Bean
        RedisInstanceRegistry ownRegistry(ReactiveStringRedisTemplate redis) {
            return new RedisInstanceRegistry(redis, Duration.ofSeconds(30));
        }
    }
}
