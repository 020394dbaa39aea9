package dev.sluice.tcc.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class TccEnvironmentPostProcessorTest {

    @Test
    void sluiceSettingsBecomeSeataSettingsForTccOnly() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.application.name", "orders")
                .withProperty("sluice.tcc.tc-addresses", "10.0.0.1:8091,10.0.0.2:8091")
                .withProperty("sluice.tcc.tx-service-group", "shop")
                .withProperty("sluice.tcc.timeout", "45s")
                .withProperty("sluice.tcc.fence.log-table", "fence")
                .withProperty("sluice.tcc.fence.clean-period", "12h");

        new TccEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("seata.application-id")).isEqualTo("orders");
        assertThat(environment.getProperty("seata.tx-service-group")).isEqualTo("shop");
        assertThat(environment.getProperty("seata.service.vgroup-mapping.shop")).isEqualTo("default");
        assertThat(environment.getProperty("seata.service.grouplist.default")).isEqualTo("10.0.0.1:8091,10.0.0.2:8091");
        assertThat(environment.getProperty("seata.client.tm.default-global-transaction-timeout")).isEqualTo("45000");
        assertThat(environment.getProperty("seata.tcc.fence.log-table-name")).isEqualTo("fence");
        assertThat(environment.getProperty("seata.tcc.fence.clean-period")).isEqualTo("PT12H");
        assertThat(environment.getProperty("seata.enable-auto-data-source-proxy")).isEqualTo("false");
        assertThat(environment.getProperty("management.endpoint.health.group.readiness.include"))
                .isEqualTo("readinessState,seataTc");
    }

    @Test
    void defaultsPointAtALocalTcAndExplicitSeataSettingsStillWin() {
        MockEnvironment environment = new MockEnvironment().withProperty("seata.tx-service-group", "mine");

        new TccEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("seata.service.grouplist.default")).isEqualTo("127.0.0.1:8091");
        assertThat(environment.getProperty("seata.client.tm.default-global-transaction-timeout")).isEqualTo("30000");
        assertThat(environment.getProperty("seata.transport.rpc-tm-request-timeout")).isEqualTo("5000");
        assertThat(environment.getProperty("seata.transport.rpc-rm-request-timeout")).isEqualTo("5000");
        assertThat(environment.getProperty("seata.tx-service-group")).isEqualTo("mine");
    }

    @Test
    void aRaftGroupOfTcsIsFoundThroughSeatasRaftRegistryInsteadOfAFixedList() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("sluice.tcc.raft.addresses", "10.0.0.1:7091,10.0.0.2:7091,10.0.0.3:7091");

        new TccEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("seata.registry.type")).isEqualTo("raft");
        assertThat(environment.getProperty("seata.registry.raft.server-addr"))
                .isEqualTo("10.0.0.1:7091,10.0.0.2:7091,10.0.0.3:7091");
        // The vgroup maps to the cluster the registry asks the members about: Seata's default Raft group.
        assertThat(environment.getProperty("seata.service.vgroup-mapping.sluice-tx")).isEqualTo("default");
        assertThat(environment.getProperty("seata.service.grouplist.default")).isNull();
    }

    @Test
    void aPropertySourceAddedAfterStartUpBeginsStillChoosesTheTc() {
        SpringApplication application = new SpringApplication(Object.class);
        application.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        // What a test's @DynamicPropertySource does: a source added to the context after the environment was prepared.
        application.addInitializers(context -> context.getEnvironment().getPropertySources().addFirst(
                new org.springframework.core.env.MapPropertySource("late",
                        java.util.Map.of("sluice.tcc.tc-addresses", "10.0.0.9:18091"))));
        application.setDefaultProperties(java.util.Map.of("spring.main.banner-mode", "off"));

        try (var context = application.run()) {
            assertThat(context.getEnvironment().getProperty("seata.service.grouplist.default")).isEqualTo("10.0.0.9:18091");
        }
    }

    @Test
    void disabledLeavesReadinessAlone() {
        MockEnvironment environment = new MockEnvironment().withProperty("sluice.tcc.enabled", "false");

        new TccEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("seata.enabled")).isEqualTo("false");
        assertThat(environment.getProperty("management.endpoint.health.group.readiness.include")).isNull();
    }
}
