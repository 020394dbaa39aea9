package dev.sluice.starter.client;

import dev.sluice.traffic.loadbalancer.OutlierDetector;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** When service clients are wired, when they stay away, and when they give way to the service's own beans. */
class ServiceClientAutoConfigurationTest {

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ServiceClientAutoConfiguration.class,
                    SimpleDiscoveryClientAutoConfiguration.class, UtilAutoConfiguration.class));

    @Test
    void aDeclaredClientIsRegisteredAsABeanOfItsInterface() {
        runner.withPropertyValues("sluice.clients.echo.base-url=http://127.0.0.1:1",
                        "sluice.clients.echo.interfaces=dev.sluice.starter.client.CallerApp$EchoApi")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(CallerApp.EchoApi.class);
                    assertThat(context).hasSingleBean(ServiceClients.class);
                    assertThat(context.getBean(ServiceClients.class).breaker("echo")).isNotNull();
                });
    }

    @Test
    void withoutClientsNothingIsWired() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(ServiceClients.class);
            assertThat(context).doesNotHaveBean(ServiceClientGroups.class);
        });
    }

    @Test
    void aDisabledClientIsNeitherRegisteredNorConfigured() {
        runner.withPropertyValues("sluice.clients.echo.enabled=false", "sluice.clients.echo.base-url=http://127.0.0.1:1",
                        "sluice.clients.echo.interfaces=dev.sluice.starter.client.CallerApp$EchoApi")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(CallerApp.EchoApi.class);
                    assertThat(context.getBean(ServiceClients.class).has("echo")).isFalse();
                });
    }

    @Test
    void theServicesOwnOutlierDetectorWins() {
        OutlierDetector own = new OutlierDetector(2, Duration.ofSeconds(1), Duration.ofSeconds(2), 100, System::currentTimeMillis);
        runner.withPropertyValues("sluice.clients.echo.base-url=http://127.0.0.1:1")
                .withBean(OutlierDetector.class, () -> own)
                .run(context -> assertThat(context.getBean(OutlierDetector.class)).isSameAs(own));
    }

    @Test
    void everyMistakeIsNamedByItsPropertyPath() {
        runner.withPropertyValues(
                        "sluice.clients.a.base-url=ftp://files",
                        "sluice.clients.a.retry.max-attempts=0",
                        "sluice.clients.a.load-balancer.strategy=random",
                        "sluice.clients.b.connect-timeout=0s",
                        "sluice.clients.b.retry.statuses=404",
                        "sluice.clients.b.bulkhead.max-concurrent-calls=0")
                .run(context -> assertThat(invalid(context).violations()).containsExactly(
                        "sluice.clients.a.base-url: must be lb://SERVICE, http://HOST or https://HOST",
                        "sluice.clients.a.load-balancer.strategy: must be round-robin or weighted",
                        "sluice.clients.a.retry.max-attempts: must be between 1 and 10",
                        "sluice.clients.b.base-url: is required",
                        "sluice.clients.b.connect-timeout: must be positive",
                        "sluice.clients.b.retry.statuses: must be between 500 and 599",
                        "sluice.clients.b.bulkhead.max-concurrent-calls: must be between 1 and 100000"));
    }

    @Test
    void lbNeedsADiscoveryClient() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ServiceClientAutoConfiguration.class))
                .withPropertyValues("sluice.clients.inventory.base-url=lb://inventory")
                .run(context -> assertThat(invalid(context).violations()).containsExactly(
                        "sluice.clients.inventory.base-url: lb:// needs a discovery client (Spring Cloud), which this "
                                + "service does not have"));
    }

    private static InvalidClientsException invalid(AssertableApplicationContext context) {
        Throwable failure = context.getStartupFailure();
        while (failure != null && !(failure instanceof InvalidClientsException)) {
            failure = failure.getCause();
        }
        assertThat(failure).as("a start stopped by InvalidClientsException").isNotNull();
        return (InvalidClientsException) failure;
    }
}
