package dev.sluice.starter.defaults;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformDefaultsEnvironmentPostProcessorTest {

    @Test
    void servicesGetTheDefaultsWithoutConfiguringAnything() {
        try (ConfigurableApplicationContext context = run()) {
            assertThat(context.getEnvironment().getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
            assertThat(context.getEnvironment().getProperty("management.endpoints.web.exposure.include")).isEqualTo("health");
            assertThat(context.getEnvironment().getProperty("spring.mvc.problemdetails.enabled")).isEqualTo("true");
        }
    }

    @Test
    void applicationPropertiesWinOverTheDefaults() {
        try (ConfigurableApplicationContext context = run("--management.endpoints.web.exposure.include=health,info")) {
            assertThat(context.getEnvironment().getProperty("management.endpoints.web.exposure.include")).isEqualTo("health,info");
        }
    }

    private static ConfigurableApplicationContext run(String... args) {
        SpringApplication app = new SpringApplication(EmptyApp.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run(args);
    }

    @SpringBootApplication
    static class EmptyApp {
    }
}
