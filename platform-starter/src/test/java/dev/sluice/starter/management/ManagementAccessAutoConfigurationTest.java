package dev.sluice.starter.management;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When actuator access is wired: servlet services only (the gateway guards its own port), and not when turned off. */
class ManagementAccessAutoConfigurationTest {

    private static final AutoConfigurations CONFIG = AutoConfigurations.of(ManagementAccessAutoConfiguration.class);

    @Test
    void aServletServiceBindsItsTokens() {
        new WebApplicationContextRunner().withConfiguration(CONFIG)
                .withPropertyValues("sluice.management.tokens[0].name=p", "sluice.management.tokens[0].role=viewer",
                        "sluice.management.tokens[0].sha256=" + "a".repeat(64))
                .run(context -> assertThat(context.getBean(ManagementProperties.class).tokens()).hasSize(1));
    }

    @Test
    void reactiveAndNonWebApplicationsAreLeftAlone() {
        new ReactiveWebApplicationContextRunner().withConfiguration(CONFIG)
                .run(context -> assertThat(context).doesNotHaveBean(ManagementProperties.class));
        new ApplicationContextRunner().withConfiguration(CONFIG)
                .run(context -> assertThat(context).doesNotHaveBean(ManagementProperties.class));
    }

    @Test
    void turnedOffForServicesThatGuardTheActuatorThemselves() {
        new WebApplicationContextRunner().withConfiguration(CONFIG)
                .withPropertyValues("sluice.management.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ManagementProperties.class));
    }

    @Test
    void aMalformedTokenEntryIsRefusedByName() {
        assertThatThrownBy(() -> new BearerTokens("sluice.management.tokens",
                java.util.List.of(new BearerTokens.Token("p", "reader", "a".repeat(64)))))
                .hasMessageContaining("sluice.management.tokens").hasMessageContaining("admin or viewer");
        assertThatThrownBy(() -> new BearerTokens("sluice.management.tokens",
                java.util.List.of(new BearerTokens.Token("p", "viewer", "abc"))))
                .hasMessageContaining("64 hex digits");
    }
}
