package dev.sluice.starter.registry;

import dev.sluice.starter.identity.ServiceIdentityProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instance registry in the Redis Cluster ({@code sluice.registry}): web applications register themselves, and
 * every application discovers services through it with Spring Cloud's {@link DiscoveryClient} and
 * {@code ReactiveDiscoveryClient}. Off on Kubernetes unless {@code sluice.registry.enabled} says otherwise.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
        beforeName = {"org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration",
                "org.springframework.cloud.client.discovery.composite.reactive.ReactiveCompositeDiscoveryClientAutoConfiguration"})
@ConditionalOnClass({ReactiveStringRedisTemplate.class, DiscoveryClient.class, JsonMapper.class})
@Conditional(OnRegistryCondition.class)
@ConditionalOnBean(ReactiveStringRedisTemplate.class)
@EnableConfigurationProperties({RegistryProperties.class, ServiceIdentityProperties.class})
public class RegistryAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RedisInstanceRegistry sluiceInstanceRegistry(ReactiveStringRedisTemplate redis, RegistryProperties properties) {
        return new RedisInstanceRegistry(redis, properties.ttl());
    }

    @Bean
    @ConditionalOnMissingBean
    RegistryWatcher sluiceRegistryWatcher(RedisInstanceRegistry registry,
            ObjectProvider<ReactiveRedisConnectionFactory> connections, RegistryProperties properties) {
        return new RegistryWatcher(registry, connections.getIfAvailable(), properties);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "spring.cloud.discovery.blocking.enabled", matchIfMissing = true)
    RegistryDiscoveryClient sluiceRegistryDiscoveryClient(RegistryWatcher watcher) {
        return new RegistryDiscoveryClient(watcher);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "spring.cloud.discovery.reactive.enabled", matchIfMissing = true)
    RegistryReactiveDiscoveryClient sluiceRegistryReactiveDiscoveryClient(RegistryWatcher watcher) {
        return new RegistryReactiveDiscoveryClient(watcher);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnWebApplication
    @ConditionalOnBooleanProperty(name = "sluice.registry.register", matchIfMissing = true)
    InstanceRegistration sluiceInstanceRegistration(RedisInstanceRegistry registry, RegistryProperties properties,
            ServiceIdentityProperties identity, Environment environment, ObjectProvider<InetUtils> inet) {
        String service = environment.getProperty("spring.application.name", "application");
        String host = properties.host() != null ? properties.host() : host(environment, inet);
        boolean secure = environment.getProperty("server.ssl.enabled", Boolean.class, false);
        return new InstanceRegistration(registry, port -> new InstanceRecord(service, host + ":" + port, host, port,
                secure, identity.zone(), properties.metadata()), properties);
    }

    /** {@code server.address} when it names one address, else the first non-loopback address of this host. */
    static String host(Environment environment, ObjectProvider<InetUtils> inet) {
        String bound = environment.getProperty("server.address");
        if (bound != null && !bound.isBlank() && !bound.equals("0.0.0.0") && !bound.equals("::")) {
            return bound;
        }
        InetUtils shared = inet.getIfAvailable();
        if (shared != null) {
            return shared.findFirstNonLoopbackHostInfo().getIpAddress();
        }
        try (InetUtils own = new InetUtils(new InetUtilsProperties())) {
            return own.findFirstNonLoopbackHostInfo().getIpAddress();
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    RegistryEndpoint sluiceRegistryEndpoint(RedisInstanceRegistry registry, RegistryWatcher watcher,
            ObjectProvider<InstanceRegistration> registration, RegistryProperties properties) {
        return new RegistryEndpoint(registry, watcher, registration.getIfAvailable(), properties.timeout());
    }
}
