package dev.sluice.starter.management;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A servlet service's actuator on a real server: health open, everything else behind a bearer token. */
class ManagementAccessTest {

    private static final String VIEWER = "viewer-token-for-tests";
    private static final String ADMIN = "admin-token-for-tests";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @AfterEach
    void stopApps() {
        apps.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void prometheusNeedsAViewerTokenAndHealthNeedsNone() throws Exception {
        int port = port(start("--server.port=0"));
        assertThat(get(port, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        assertThat(get(port, "/actuator/health", null).statusCode()).isEqualTo(200);

        HttpResponse<String> anonymous = get(port, "/actuator/prometheus", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(anonymous.body()).contains("\"code\":\"unauthorized\"").doesNotContain("jvm_");
        assertThat(get(port, "/actuator/prometheus", "wrong-token").statusCode()).isEqualTo(401);
        assertThat(get(port, "/actuator", null).statusCode()).isEqualTo(401);
        // No way around the token through the open health path.
        assertThat(dev.sluice.test.http.RawHttp.send(port, "GET /actuator/health/../prometheus HTTP/1.1",
                List.of(), null).body()).doesNotContain("jvm_");
        assertThat(dev.sluice.test.http.RawHttp.send(port, "GET /actuator/health/%2e%2e/prometheus HTTP/1.1",
                List.of(), null).body()).doesNotContain("jvm_");

        HttpResponse<String> viewer = get(port, "/actuator/prometheus", VIEWER);
        assertThat(viewer.statusCode()).isEqualTo(200);
        assertThat(viewer.body()).contains("jvm_memory_used_bytes");
        // The application's own paths are not the filter's business.
        assertThat(get(port, "/api/hello", null).body()).isEqualTo("hello");
    }

    @Test
    void aViewerMayReadButNotWrite() throws Exception {
        int port = port(start("--server.port=0"));
        String level = "{\"configuredLevel\":\"DEBUG\"}";
        assertThat(post(port, "/actuator/loggers/dev.sluice", VIEWER, level).statusCode()).isEqualTo(403);
        assertThat(post(port, "/actuator/loggers/dev.sluice", null, level).statusCode()).isEqualTo(401);
        assertThat(post(port, "/actuator/loggers/dev.sluice", ADMIN, level).statusCode()).isEqualTo(204);
        assertThat(get(port, "/actuator/loggers/dev.sluice", VIEWER).body()).contains("\"configuredLevel\":\"DEBUG\"");
    }

    @Test
    void aSeparateManagementPortIsGuardedToo() throws Exception {
        ConfigurableApplicationContext app = start("--server.port=0", "--management.server.port=0");
        int management = Integer.parseInt(app.getEnvironment().getProperty("local.management.port"));
        assertThat(management).isNotEqualTo(port(app));
        assertThat(get(management, "/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get(management, "/actuator/prometheus", VIEWER).statusCode()).isEqualTo(200);
        assertThat(get(management, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }

    @Test
    void withNoTokenConfiguredNothingButHealthAnswers() throws Exception {
        int port = port(start("--server.port=0", "--sluice.management.tokens=")); // no tokens at all
        assertThat(get(port, "/actuator/prometheus", VIEWER).statusCode()).isEqualTo(401);
        assertThat(get(port, "/actuator/health", null).statusCode()).isEqualTo(200);
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.application.name=guarded",
                "--sluice.registry.enabled=false",
                // No Redis here: its health would turn the overall status DOWN (503), which is not what is tested.
                "--management.health.redis.enabled=false",
                "--management.endpoints.web.exposure.include=health,prometheus,loggers",
                "--sluice.management.tokens[0].name=prometheus", "--sluice.management.tokens[0].role=viewer",
                "--sluice.management.tokens[0].sha256=" + hash(VIEWER),
                "--sluice.management.tokens[1].name=ops", "--sluice.management.tokens[1].role=admin",
                "--sluice.management.tokens[1].sha256=" + hash(ADMIN)));
        for (String e : extra) {
            if (e.startsWith("--sluice.management.tokens=")) {
                args.removeIf(a -> a.startsWith("--sluice.management.tokens["));
            }
            else {
                args.add(e);
            }
        }
        SpringApplication application = new SpringApplication(GuardedService.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        ConfigurableApplicationContext context = application.run(args.toArray(String[]::new));
        apps.add(context);
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static String hash(String token) {
        return HexFormat.of().formatHex(BearerTokens.sha256(token));
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @EnableAutoConfiguration
    @Import(Hello.class)
    static class GuardedService {
    }

    @RestController
    static class Hello {
        @GetMapping("/api/hello")
        String hello() {
            return "hello";
        }
    }
}
