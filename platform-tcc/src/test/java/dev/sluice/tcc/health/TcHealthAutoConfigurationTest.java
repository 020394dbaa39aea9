package dev.sluice.tcc.health;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TcHealthAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TcHealthAutoConfiguration.class));

    @Test
    void theLoneTcsPortIsCheckedByDefault() {
        runner.withPropertyValues("sluice.tcc.tc-addresses=127.0.0.1:1").run(context ->
                assertThat(checked(context.getBean(SeataTcHealthIndicator.class))).containsOnlyKeys("127.0.0.1:1"));
    }

    @Test
    void aRaftGroupIsCheckedThroughItsMembersConsoles() {
        runner.withPropertyValues("sluice.tcc.raft.addresses=127.0.0.1:2,127.0.0.1:3").run(context ->
                assertThat(checked(context.getBean(SeataTcHealthIndicator.class)))
                        .containsOnlyKeys("127.0.0.1:2", "127.0.0.1:3"));
    }

    @Test
    void nothingWhenTheServiceTakesNoPartInTransactions() {
        runner.withPropertyValues("sluice.tcc.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(SeataTcHealthIndicator.class)
                        .doesNotHaveBean(TcReachabilityMetrics.class));
    }

    @Test
    void backsOffWithoutActuatorsHealthApi() {
        runner.withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(
                org.springframework.boot.health.contributor.HealthIndicator.class)).run(context ->
                assertThat(context).doesNotHaveBean(SeataTcHealthIndicator.class));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> checked(SeataTcHealthIndicator indicator) {
        Health health = indicator.health(true);
        return (Map<String, String>) health.getDetails().get("tc");
    }
}
