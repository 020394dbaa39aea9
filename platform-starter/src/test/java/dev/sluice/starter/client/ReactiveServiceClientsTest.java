package dev.sluice.starter.client;

import dev.sluice.test.http.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A reactive service that calls another service through a declared client and limits one of its own endpoints,
 * with the starter and properties alone, against real HTTP backends.
 */
class ReactiveServiceClientsTest {

    @HttpExchange
    interface UpstreamApi {
        @GetExchange("/flaky/{failures}/reactive")
        Mono<String> flaky(@PathVariable int failures, @RequestHeader("X-Test-Id") String testId);

        @GetExchange("/problem/{status}/{code}")
        Mono<String> problem(@PathVariable int status, @PathVariable String code);

        @GetExchange("/slow/{millis}/reactive")
        Mono<String> slow(@PathVariable long millis);

        @GetExchange("/echo/{id}")
        Mono<String> echo(@PathVariable String id);
    }

    @HttpExchange
    interface GoneApi {
        @GetExchange("/anything")
        Mono<String> call();
    }

    @EnableAutoConfiguration
    @Import(Handlers.class)
    static class ReactiveCaller {
        @Bean
        ClientFallback<GoneApi> goneFallback() {
            return failure -> () -> Mono.just("fallback after " + failure.getClass().getSimpleName());
        }
    }

    @RestController
    static class Handlers {
        private final UpstreamApi upstream;

        Handlers(UpstreamApi upstream) {
            this.upstream = upstream;
        }

        /** Calls the upstream while serving, and is limited to one request in progress (see the properties). */
        @GetMapping("/relay/{id}")
        Mono<String> relay(@PathVariable String id) {
            return upstream.echo(id);
        }

        @GetMapping("/hold")
        Mono<String> hold() {
            return upstream.slow(250);
        }
    }

    static TestBackend backend;
    static ConfigurableApplicationContext app;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        backend = TestBackend.start("reactive-upstream");
        SpringApplication application = new SpringApplication(ReactiveCaller.class);
        application.setWebApplicationType(WebApplicationType.REACTIVE);
        app = application.run("--server.port=0", "--spring.main.banner-mode=off",
                "--spring.application.name=reactive-caller",
                "--spring.cloud.discovery.client.simple.instances.upstream[0].uri=" + backend.url(),
                "--sluice.clients.upstream.base-url=lb://upstream",
                "--sluice.clients.upstream.interfaces=" + UpstreamApi.class.getName(),
                "--sluice.clients.upstream.response-timeout=300ms",
                "--sluice.clients.upstream.retry.initial-backoff=10ms",
                "--sluice.clients.upstream.propagate-headers=X-User-Id",
                "--sluice.clients.gone.base-url=http://127.0.0.1:1",
                "--sluice.clients.gone.interfaces=" + GoneApi.class.getName(),
                "--sluice.clients.gone.retry.enabled=false",
                "--sluice.limits.endpoints[0].path=/hold",
                "--sluice.limits.endpoints[0].concurrency=1");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    UpstreamApi upstream() {
        return app.getBean(UpstreamApi.class);
    }

    @Test
    void aFlakyGetIsRetriedUntilItSucceeds() {
        String id = UUID.randomUUID().toString();
        assertThat(upstream().flaky(2, id).block(Duration.ofSeconds(10))).contains("/flaky/2/reactive");
        assertThat(backend.received().stream().filter(r -> id.equals(r.headers().get("X-test-id") == null ? null
                : r.headers().get("X-test-id").get(0))).count()).isEqualTo(3);
    }

    @Test
    void aProblemAnswerIsATypedError() {
        assertThatThrownBy(() -> upstream().problem(404, "item_not_found").block(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(UpstreamProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(404);
                    assertThat(problem.code()).isEqualTo("item_not_found");
                });
    }

    @Test
    void aHungUpstreamIsUnavailableAfterItsAttempts() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> upstream().slow(5_000).block(Duration.ofSeconds(10)))
                .isInstanceOf(UpstreamUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(850), Duration.ofSeconds(3));
    }

    @Test
    void anUnreachableUpstreamIsAnsweredByItsFallback() {
        assertThat(app.getBean(GoneApi.class).call().block(Duration.ofSeconds(10)))
                .isEqualTo("fallback after UpstreamUnavailableException");
    }

    @Test
    void theServedRequestsIdentityTravelsAndTheEndpointLimitHolds() throws Exception {
        HttpResponse<String> relayed = send("/relay/reactive-who", "X-User-Id", "bea");
        assertThat(relayed.statusCode()).isEqualTo(200);
        TestBackend.Received received = backend.received().stream().filter(r -> r.path().equals("/echo/reactive-who"))
                .findFirst().orElseThrow();
        assertThat(received.headers().get("X-user-id")).containsExactly("bea");

        List<CompletableFuture<HttpResponse<String>>> both = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            both.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return send("/hold", "X-Ignored", "x");
                }
                catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> one : both) {
            statuses.add(one.get().statusCode());
        }
        // the first holds the only permit for the upstream's 250 ms; the second is refused meanwhile
        assertThat(statuses).containsExactlyInAnyOrder(200, 503);
    }

    private HttpResponse<String> send(String path, String header, String value) throws Exception {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header(header, value)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
