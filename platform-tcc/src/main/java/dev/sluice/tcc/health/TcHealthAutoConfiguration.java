package dev.sluice.tcc.health;

import dev.sluice.tcc.config.SluiceTccProperties;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code seataTc} health contributor, which the readiness group includes, and the TC reachability gauge. */
@AutoConfiguration
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(name = "sluice.tcc.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SluiceTccProperties.class)
public class TcHealthAutoConfiguration {

    @Bean
    SeataTcHealthIndicator seataTcHealthIndicator(SluiceTccProperties properties) {
        return new SeataTcHealthIndicator(properties.coordinatorAddresses());
    }

    @Bean
    @ConditionalOnClass(MeterBinder.class)
    TcReachabilityMetrics tcReachabilityMetrics(SluiceTccProperties properties) {
        return new TcReachabilityMetrics(properties.coordinatorAddresses());
    }
}
