package dev.sluice.starter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A Redis template whose connection is never opened, for auto-configuration tests: they check what is wired when
 * Redis is there, and send no command.
 */
@Configuration(proxyBeanMethods = false)
public class UnconnectedRedis {

    @Bean
    ReactiveStringRedisTemplate reactiveStringRedisTemplate() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory("127.0.0.1", 1);
        factory.afterPropertiesSet();
        return new ReactiveStringRedisTemplate(factory);
    }
}
