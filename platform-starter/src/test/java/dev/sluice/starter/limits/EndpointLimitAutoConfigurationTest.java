package dev.sluice.starter.limits;

import dev.sluice.starter.UnconnectedRedis;
import dev.sluice.traffic.address.ClientAddresses;
import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.traffic.ratelimit.ClusterRateLimiter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When endpoint limits are wired, when they stay away, when they give way to the service's own beans. */
class EndpointLimitAutoConfigurationTest {

    final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EndpointLimitAutoConfiguration.class))
            .withPropertyValues("spring.application.name=orders");

    /** Redis that is never connected to: nothing here sends a Redis command. */
    @Configuration(proxyBeanMethods = false)
    @Import(UnconnectedRedis.class)
    static class RedisTemplateConfiguration {

        /** Keeps the heartbeat from starting: the test is about wiring, not Redis. */
        @Bean
        ClusterMembers sluiceServiceMembers(ReactiveStringRedisTemplate redis) {
            return new ClusterMembers(redis, "service:orders", "orders-test", java.time.Duration.ofHours(1), 2) {
                @Override
                public void start() {
                }
            };
        }
    }

    @Test
    void aServletServiceWithRedisGetsTheSharedLimiterAndTheInterceptor() {
        servlet.withUserConfiguration(RedisTemplateConfiguration.class)
                .withPropertyValues("sluice.limits.endpoints[0].path=/api/orders/**", "sluice.limits.endpoints[0].rate=5")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(ClusterRateLimiter.class);
                    assertThat(context).hasSingleBean(EndpointLimitInterceptor.class);
                    assertThat(context).doesNotHaveBean(EndpointLimitWebFilter.class);
                    assertThat(context.getBean(EndpointLimiter.class).matching("GET", "/api/orders/1")).hasSize(1);
                });
    }

    /** Only the template: the starter's own ClusterMembers is made. Redis at port 1 refuses at once. */
    @Configuration(proxyBeanMethods = false)
    @Import(UnconnectedRedis.class)
    static class TemplateOnlyConfiguration {
    }

    @Test
    void instancesHeartbeatOnlyWhenSomeEndpointHasARate() {
        servlet.withUserConfiguration(TemplateOnlyConfiguration.class, MvcConfiguration.class)
                .withPropertyValues("sluice.limits.endpoints[0].path=/api/reports", "sluice.limits.endpoints[0].concurrency=3")
                .run(context -> assertThat(context.getBean(ClusterMembers.class).isRunning()).isFalse());
        servlet.withUserConfiguration(TemplateOnlyConfiguration.class, MvcConfiguration.class)
                .withPropertyValues("sluice.limits.endpoints[0].path=/api/reports", "sluice.limits.endpoints[0].rate=3")
                .run(context -> assertThat(context.getBean(ClusterMembers.class).isRunning()).isTrue());
        servlet.withUserConfiguration(TemplateOnlyConfiguration.class, MvcConfiguration.class, RatedHandler.class)
                .run(context -> assertThat(context.getBean(ClusterMembers.class).isRunning()).isTrue());
    }

    @RestController
    static class RatedHandler {
        @EndpointLimit(rate = 5)
        @GetMapping("/rated")
        String rated() {
            return "ok";
        }
    }

    @Test
    void aReactiveServiceGetsTheWebFilter() {
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EndpointLimitAutoConfiguration.class))
                .withUserConfiguration(RedisTemplateConfiguration.class)
                .withPropertyValues("sluice.limits.endpoints[0].path=/api/**", "sluice.limits.endpoints[0].rate=5")
                .run(context -> {
                    assertThat(context).hasSingleBean(EndpointLimitWebFilter.class);
                    assertThat(context).doesNotHaveBean(EndpointLimitInterceptor.class);
                });
    }

    @Test
    void switchedOffNothingIsWired() {
        servlet.withUserConfiguration(RedisTemplateConfiguration.class)
                .withPropertyValues("sluice.limits.enabled=false", "sluice.limits.endpoints[0].path=/api/**",
                        "sluice.limits.endpoints[0].rate=5")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(EndpointLimiter.class);
                    assertThat(context).doesNotHaveBean(EndpointLimitInterceptor.class);
                    assertThat(context).doesNotHaveBean(ClusterRateLimiter.class);
                });
    }

    @Test
    void withoutRedisAConcurrencyLimitWorksAndNoSharedLimiterIsMade() {
        servlet.withPropertyValues("sluice.limits.endpoints[0].path=/api/reports", "sluice.limits.endpoints[0].concurrency=3")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ClusterRateLimiter.class);
                    assertThat(context).hasSingleBean(EndpointLimitInterceptor.class);
                });
    }

    @Test
    void withoutRedisARateLimitStopsTheStartAndSaysWhy() {
        servlet.withPropertyValues("sluice.limits.endpoints[0].path=/api/reports", "sluice.limits.endpoints[0].rate=3")
                .run(context -> assertThat(invalid(context).violations()).containsExactly(
                        "sluice.limits.endpoints[0].rate: needs the Redis Cluster (spring.data.redis.*), which this "
                                + "service does not have"));
    }

    @Test
    void everyMistakeInTheEntriesIsNamedByItsPropertyPath() {
        servlet.withUserConfiguration(RedisTemplateConfiguration.class)
                .withPropertyValues(
                        "sluice.limits.endpoints[0].rate=0",
                        "sluice.limits.endpoints[0].key=cookie",
                        "sluice.limits.endpoints[1].path=/api/{",
                        "sluice.limits.endpoints[1].methods=FETCH",
                        "sluice.limits.endpoints[1].concurrency=5",
                        "sluice.limits.endpoints[2].path=/api/x")
                .run(context -> {
                    assertThat(invalid(context).violations()).satisfiesExactly(
                            v -> assertThat(v).isEqualTo("sluice.limits.endpoints[0].path: is required"),
                            v -> assertThat(v).isEqualTo("sluice.limits.endpoints[0].rate: must be between 1 and 1000000"),
                            v -> assertThat(v).isEqualTo(
                                    "sluice.limits.endpoints[0].key: must be ip, endpoint, principal or header:NAME"),
                            v -> assertThat(v).startsWith("sluice.limits.endpoints[1].path: is not a path pattern"),
                            v -> assertThat(v).isEqualTo("sluice.limits.endpoints[1].methods[0]: must be one of "
                                    + "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"),
                            v -> assertThat(v).isEqualTo("sluice.limits.endpoints[2].rate: set rate, concurrency or "
                                    + "both; this entry limits nothing"));
                });
    }

    @Test
    void aBadAnnotationStopsTheStartNamingItsHandler() {
        servlet.withUserConfiguration(RedisTemplateConfiguration.class, BadlyAnnotated.class, MvcConfiguration.class)
                .run(context -> assertThat(invalid(context).violations()).containsExactly(
                        "@EndpointLimit on BadlyAnnotated.list: period: 'soon' is not a duration such as 1s or 1m"));
    }

    @Test
    void theServicesOwnBeansWin() {
        ClientAddresses own = new ClientAddresses(List.of("10.0.0.0/8"));
        servlet.withUserConfiguration(RedisTemplateConfiguration.class)
                .withBean(ClientAddresses.class, () -> own)
                .withPropertyValues("sluice.limits.endpoints[0].path=/api/**", "sluice.limits.endpoints[0].rate=5")
                .run(context -> {
                    assertThat(context.getBean(ClientAddresses.class)).isSameAs(own);
                    assertThat(context).hasSingleBean(ClusterMembers.class);
                    assertThat(context).getBean("sluiceServiceMembers").isNotNull();
                });
    }

    /** The exception that stopped the start, wherever Spring wrapped it. */
    private static InvalidLimitsException invalid(org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider<?> context) {
        Throwable failure = context.getStartupFailure();
        while (failure != null && !(failure instanceof InvalidLimitsException)) {
            failure = failure.getCause();
        }
        assertThat(failure).as("a start stopped by InvalidLimitsException").isNotNull();
        return (InvalidLimitsException) failure;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebMvc
    static class MvcConfiguration {
    }

    @RestController
    static class BadlyAnnotated {
        @EndpointLimit(rate = 5, period = "soon")
        @GetMapping("/things")
        String list() {
            return "[]";
        }
    }
}
