package dev.sluice.starter.identity;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceIdentityAutoConfigurationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesTheInstanceIdentityAtTheConfiguredPath() throws Exception {
        try (ConfigurableApplicationContext context = run("--sluice.service.info-path=/api/things/info",
                "--sluice.service.zone=zone-a", "--spring.application.name=things")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpResponse<String> response = get(port, "/api/things/info");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"service\":\"things\"", "\"zone\":\"zone-a\"",
                    "\"instance\":\"127.0.0.1:" + port + "\"");
        }
    }

    @Test
    void servesNothingUnlessAPathIsConfigured() throws Exception {
        try (ConfigurableApplicationContext context = run()) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpResponse<String> response = get(port, "/info");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ConfigurableApplicationContext run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--server.port=0";
        all[1] = "--server.address=127.0.0.1";
        System.arraycopy(args, 0, all, 2, args.length);
        return SpringApplication.run(WebApp.class, all);
    }

    @SpringBootApplication
    static class WebApp {
    }
}
