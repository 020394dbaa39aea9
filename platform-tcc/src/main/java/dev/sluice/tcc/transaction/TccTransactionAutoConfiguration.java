package dev.sluice.tcc.transaction;

import dev.sluice.tcc.config.SluiceTccProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** {@link GlobalTransactions} for services that begin global transactions, and {@link TccPhaseTwo} for actions. */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnBooleanProperty(name = "sluice.tcc.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SluiceTccProperties.class)
public class TccTransactionAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    GlobalTransactions globalTransactions(SluiceTccProperties properties, ObjectProvider<MeterRegistry> meters) {
        return new GlobalTransactions(properties.timeout(), meters.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    TccPhaseTwo tccPhaseTwo(ObjectProvider<MeterRegistry> meters) {
        return new TccPhaseTwo(meters.getIfAvailable());
    }
}
