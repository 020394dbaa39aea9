package dev.sluice.starter.limits;

import dev.sluice.traffic.address.ClientAddresses;
import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.traffic.ratelimit.ClusterRateLimiter;
import dev.sluice.traffic.redis.GuardedRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.server.WebFilter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.util.UUID;

/**
 * Endpoint limits ({@code sluice.limits}): rates shared by all instances of the service through the Redis Cluster,
 * with the gateway's limiter, and concurrency per instance. Servlet services get an interceptor (configured entries
 * and {@link EndpointLimit}), reactive services a web filter (configured entries).
 */
@AutoConfiguration(afterName = {"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty(name = "sluice.limits.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EndpointLimitProperties.class)
public class EndpointLimitAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EndpointLimiter sluiceEndpointLimiter(EndpointLimitProperties properties, Environment environment,
            ObjectProvider<ClusterRateLimiter> limiter, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ClusterMembers> members) {
        ClusterRateLimiter shared = limiter.getIfAvailable();
        return new EndpointLimiter(serviceName(environment), LimitRules.compile(properties.endpoints(), shared != null),
                shared, meters.getIfAvailable(), members.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    ClientAddresses sluiceClientAddresses(EndpointLimitProperties properties) {
        return new ClientAddresses(properties.trustedProxies());
    }

    static String serviceName(Environment environment) {
        return environment.getProperty("spring.application.name", "application");
    }

    /** The shared buckets, when the service has the Redis Cluster. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ReactiveStringRedisTemplate.class)
    @ConditionalOnBean(ReactiveStringRedisTemplate.class)
    static class SharedBucketConfiguration {

        /**
         * This service's live instances, which the local fallback divides the rate by. The heartbeat starts only
         * when some endpoint has a rate ({@link EndpointLimiter#activate}).
         */
        @Bean
        @ConditionalOnMissingBean
        ClusterMembers sluiceServiceMembers(ReactiveStringRedisTemplate redis, EndpointLimitProperties properties,
                Environment environment) {
            String service = serviceName(environment);
            ClusterMembers members = new ClusterMembers(redis, "service:" + service,
                    service + "-" + UUID.randomUUID().toString().substring(0, 8), properties.heartbeat(), 1);
            members.setAutoStartup(false);
            return members;
        }

        @Bean
        @ConditionalOnMissingBean
        ClusterRateLimiter sluiceClusterRateLimiter(ReactiveStringRedisTemplate redis, ClusterMembers members,
                EndpointLimitProperties properties, ObjectProvider<CircuitBreakerRegistry> breakers) {
            return new ClusterRateLimiter(redis, members::aliveCount, new GuardedRedis("redis-endpoint-limits",
                    properties.redisTimeout(), properties.breakerOpenFor(),
                    breakers.getIfAvailable(CircuitBreakerRegistry::ofDefaults)));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(HandlerInterceptor.class)
    static class ServletLimitConfiguration {

        @Bean
        @ConditionalOnMissingBean
        EndpointLimitInterceptor sluiceEndpointLimitInterceptor(EndpointLimiter limiter, ClientAddresses clients,
                ObjectProvider<RequestMappingHandlerMapping> mappings) {
            return new EndpointLimitInterceptor(limiter, clients, mappings);
        }

        @Bean
        WebMvcConfigurer sluiceEndpointLimitRegistration(EndpointLimitInterceptor interceptor) {
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(interceptor);
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(WebFilter.class)
    static class ReactiveLimitConfiguration {

        @Bean
        @ConditionalOnMissingBean
        EndpointLimitWebFilter sluiceEndpointLimitWebFilter(EndpointLimiter limiter, ClientAddresses clients) {
            return new EndpointLimitWebFilter(limiter, clients);
        }
    }
}
