package dev.sluice.tcc.fence;

import org.apache.seata.rm.fence.SpringFenceConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

class TccFenceAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TccFenceAutoConfiguration.class));

    private static DataSource h2() {
        return new DriverManagerDataSource("jdbc:h2:mem:fence;DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Test
    void theFenceUsesTheServicesDataSourceAndTransactionManager() {
        runner.withBean(DataSource.class, TccFenceAutoConfigurationTest::h2)
                .withBean(DataSourceTransactionManager.class, () -> new DataSourceTransactionManager(h2()))
                .run(context -> assertThat(context).hasSingleBean(SpringFenceConfig.class));
    }

    @Test
    void withoutATransactionManagerStartupFailsSayingWhatIsMissing() {
        runner.withBean(DataSource.class, TccFenceAutoConfigurationTest::h2)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("needs one DataSource and one PlatformTransactionManager")
                        .hasMessageContaining("no unique PlatformTransactionManager")
                        .hasMessageContaining("sluice.tcc.fence.enabled=false"));
    }

    @Test
    void theFenceCanBeSwitchedOff() {
        runner.withPropertyValues("sluice.tcc.fence.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SpringFenceConfig.class));
    }
}
