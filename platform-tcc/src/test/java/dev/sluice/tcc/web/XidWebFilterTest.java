package dev.sluice.tcc.web;

import org.apache.seata.core.context.RootContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real WebFlux service whose TC is unreachable: it starts anyway, not ready; and the XID is bound inside the
 * request's pipeline, even after a thread hop, and only there.
 */
class XidWebFilterTest {

    static ConfigurableApplicationContext app;
    static int port;

    @BeforeAll
    static void start() {
        int noTc = dev.sluice.test.process.Ports.free();
        app = new SpringApplicationBuilder(App.class).web(WebApplicationType.REACTIVE)
                .run("--server.port=0", "--server.address=127.0.0.1", "--spring.application.name=reactive-test",
                        "--sluice.tcc.tc-addresses=127.0.0.1:" + noTc, "--sluice.tcc.fence.enabled=false",
                        "--management.endpoint.health.probes.enabled=true");
        port = ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void withoutTheTcTheServiceStartsButIsNotReady() throws Exception {
        HttpResponse<String> readiness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("DOWN");
    }

    @Test
    void theXidIsBoundAcrossThreadsForTheRequestOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> with = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/xid"))
                .header(RootContext.KEY_XID, "127.0.0.1:8091:99").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> without = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/xid"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(with.body()).isEqualTo("127.0.0.1:8091:99");
        assertThat(without.body()).isEqualTo("none");
    }

    @SpringBootApplication
    @RestController
    static class App {

        @GetMapping("/xid")
        Mono<String> xid() {
            return Mono.just("hop").publishOn(Schedulers.boundedElastic())
                    .map(ignored -> RootContext.getXID() == null ? "none" : RootContext.getXID());
        }
    }
}
