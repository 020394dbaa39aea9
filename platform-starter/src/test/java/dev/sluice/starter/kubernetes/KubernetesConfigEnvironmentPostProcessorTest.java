package dev.sluice.starter.kubernetes;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** The Spring Cloud Kubernetes defaults apply on Kubernetes only, and yield to the service's own settings. */
class KubernetesConfigEnvironmentPostProcessorTest {

    final KubernetesConfigEnvironmentPostProcessor processor = new KubernetesConfigEnvironmentPostProcessor();

    @Test
    void onKubernetesConfigurationComesFromTheServicesConfigMapAndSecretByName() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.main.cloud-platform", "kubernetes");
        processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("spring.config.import")).isEqualTo("optional:kubernetes:");
        assertThat(environment.getProperty("spring.cloud.kubernetes.config.read-type")).isEqualTo("SINGLE");
        assertThat(environment.getProperty("spring.cloud.kubernetes.secrets.read-type")).isEqualTo("SINGLE");
        assertThat(environment.getProperty("spring.cloud.kubernetes.reload.mode")).isEqualTo("polling");
    }

    @Test
    void elsewhereNothingIsAdded() {
        StandardEnvironment environment = new StandardEnvironment();
        int before = environment.getPropertySources().size();
        processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getPropertySources().size()).isEqualTo(before);
        assertThat(environment.getPropertySources().contains(KubernetesConfigEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
                .isFalse();
    }

    @Test
    void theServicesOwnSettingsWin() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.main.cloud-platform", "kubernetes")
                .withProperty("spring.cloud.kubernetes.reload.period", "1m");
        processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("spring.cloud.kubernetes.reload.period")).isEqualTo("1m");
    }
}
