package dev.sluice.starter.client;

import dev.sluice.test.http.BackendProcess;
import dev.sluice.test.http.TestBackend;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Declared clients against real HTTP backends that fail, hang, answer 503 and problem+json, and are killed. Each
 * client and test path is its own, so no test depends on another having run.
 */
class ServiceClientsTest {

    static TestBackend east;
    static TestBackend west;
    static TestBackend plain;
    static BackendProcess doomed;
    static BackendProcess fragile;
    static BackendProcess midcall;
    static ConfigurableApplicationContext caller;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        east = TestBackend.start("east");
        west = TestBackend.start("west");
        plain = TestBackend.start("plain");
        Path logs = Files.createDirectories(Path.of("target", "service-clients"));
        doomed = new BackendProcess("doomed", logs);
        fragile = new BackendProcess("fragile", logs);
        midcall = new BackendProcess("midcall", logs);
        String simple = "--spring.cloud.discovery.client.simple.instances.";
        caller = SpringApplication.run(CallerApp.class,
                "--server.port=0", "--spring.main.banner-mode=off", "--spring.application.name=caller",
                simple + "spread[0].uri=" + east.url(), simple + "spread[1].uri=" + west.url(),
                simple + "mixed[0].uri=" + west.url(), simple + "mixed[1].uri=" + doomed.url(),
                "--sluice.clients.echo.base-url=" + plain.url(),
                "--sluice.clients.echo.interfaces=dev.sluice.starter.client.CallerApp$EchoApi",
                "--sluice.clients.echo.response-timeout=400ms",
                "--sluice.clients.echo.retry.initial-backoff=10ms",
                "--sluice.clients.echo.circuit-breaker.minimum-number-of-calls=1000",
                "--sluice.clients.echo.propagate-headers=X-User-Id",
                "--sluice.clients.guarded.base-url=" + plain.url(),
                "--sluice.clients.guarded.interfaces=dev.sluice.starter.client.CallerApp$GuardedApi",
                "--sluice.clients.guarded.retry.enabled=false",
                "--sluice.clients.guarded.circuit-breaker.sliding-window-size=4",
                "--sluice.clients.guarded.circuit-breaker.minimum-number-of-calls=4",
                "--sluice.clients.guarded.circuit-breaker.wait-in-open-state=1m",
                "--sluice.clients.narrow.base-url=" + plain.url(),
                "--sluice.clients.narrow.interfaces=dev.sluice.starter.client.CallerApp$NarrowApi",
                "--sluice.clients.narrow.bulkhead.max-concurrent-calls=2",
                "--sluice.clients.budgeted.base-url=" + plain.url(),
                "--sluice.clients.budgeted.interfaces=dev.sluice.starter.client.CallerApp$BudgetedApi",
                "--sluice.clients.budgeted.retry.initial-backoff=1ms",
                "--sluice.clients.budgeted.retry.budget-ratio=0.1",
                "--sluice.clients.budgeted.retry.budget-floor=2",
                "--sluice.clients.budgeted.circuit-breaker.enabled=false",
                "--sluice.clients.spread.base-url=lb://spread",
                "--sluice.clients.spread.interfaces=dev.sluice.starter.client.CallerApp$SpreadApi",
                "--sluice.clients.fragile.base-url=" + fragile.url(),
                "--sluice.clients.fragile.interfaces=dev.sluice.starter.client.CallerApp$FragileApi",
                "--sluice.clients.fragile.retry.initial-backoff=5ms",
                "--sluice.clients.fragile.circuit-breaker.sliding-window-size=6",
                "--sluice.clients.fragile.circuit-breaker.minimum-number-of-calls=6",
                "--sluice.clients.fragile.circuit-breaker.wait-in-open-state=1m",
                "--sluice.clients.midcall.base-url=" + midcall.url(),
                "--sluice.clients.midcall.interfaces=dev.sluice.starter.client.CallerApp$MidCallApi",
                "--sluice.clients.midcall.response-timeout=10s",
                "--sluice.clients.sluggish.base-url=" + plain.url(),
                "--sluice.clients.sluggish.interfaces=dev.sluice.starter.client.CallerApp$SluggishApi",
                "--sluice.clients.sluggish.response-timeout=200ms",
                "--sluice.clients.sluggish.retry.enabled=false",
                "--sluice.clients.sluggish.circuit-breaker.sliding-window-size=4",
                "--sluice.clients.sluggish.circuit-breaker.minimum-number-of-calls=4",
                "--sluice.clients.sluggish.circuit-breaker.wait-in-open-state=1m",
                "--sluice.clients.mixed.base-url=lb://mixed",
                "--sluice.clients.mixed.interfaces=dev.sluice.starter.client.CallerApp$MixedApi",
                "--sluice.clients.mixed.retry.initial-backoff=5ms",
                "--sluice.clients.mixed.circuit-breaker.minimum-number-of-calls=1000");
    }

    @AfterAll
    static void stop() {
        if (caller != null) {
            caller.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {east, west, plain, doomed, fragile, midcall}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            }
            catch (Exception e) {
                // the next one still closes
            }
        }
    }

    CallerApp.EchoApi echo() {
        return caller.getBean(CallerApp.EchoApi.class);
    }

    long received(String pathPrefix) {
        return east.receivedOn(pathPrefix) + west.receivedOn(pathPrefix) + plain.receivedOn(pathPrefix);
    }

    @Test
    void lbCallsSpreadOverTheInstancesDiscoveryKnows() {
        CallerApp.SpreadApi spread = caller.getBean(CallerApp.SpreadApi.class);
        for (int i = 0; i < 10; i++) {
            assertThat(spread.call(i)).contains("GET /spread/" + i);
        }
        assertThat(east.receivedOn("/spread/")).isEqualTo(5);
        assertThat(west.receivedOn("/spread/")).isEqualTo(5);
    }

    @Test
    void aFlakyGetIsRetriedWithBackoffUntilItSucceeds() {
        String id = UUID.randomUUID().toString();
        assertThat(echo().flakyGet(2, id)).contains("GET /flaky/2/get");
        assertThat(receivedWithId(id)).isEqualTo(3);
    }

    @Test
    void aPostWithoutAnIdempotencyKeyIsNeverSentTwice() {
        String id = UUID.randomUUID().toString();
        assertThatThrownBy(() -> echo().flakyPost(1, id)).isInstanceOfSatisfying(UpstreamProblemException.class,
                problem -> assertThat(problem.status()).isEqualTo(503));
        assertThat(receivedWithId(id)).isEqualTo(1);
    }

    @Test
    void aPostWithAnIdempotencyKeyIsRetried() {
        String id = UUID.randomUUID().toString();
        assertThat(echo().flakyKeyedPost(1, id, "key-" + id)).contains("POST /flaky/1/post");
        assertThat(receivedWithId(id)).isEqualTo(2);
    }

    @Test
    void aProblemAnswerBecomesATypedExceptionAndIsNotRetried() {
        long before = received("/problem/409/");
        assertThatThrownBy(() -> echo().problem(409, "insufficient_stock"))
                .isInstanceOfSatisfying(UpstreamProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(409);
                    assertThat(problem.code()).isEqualTo("insufficient_stock");
                    assertThat(problem.type()).hasToString("https://sluice.dev/problems/insufficient_stock");
                    assertThat(problem.detail()).endsWith("says insufficient_stock");
                    assertThat(problem.properties()).containsKey("backend");
                    assertThat(problem.client()).isEqualTo("echo");
                });
        assertThat(received("/problem/409/") - before).isEqualTo(1);
    }

    @Test
    void aHungUpstreamTimesOutAsUnavailableWithinItsAttempts() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> echo().slow(5_000)).isInstanceOf(UpstreamUnavailableException.class)
                .hasMessageContaining("echo");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // three attempts of 400 ms and two short backoffs, never the backend's 5 s
        assertThat(took).isBetween(1_150L, 3_000L);
    }

    @Test
    void theBreakerOpensOn503sThenFailsFastWithoutANetworkCallAndTheFallbackAnswers() {
        CallerApp.GuardedApi guarded = caller.getBean(CallerApp.GuardedApi.class);
        ServiceClients clients = caller.getBean(ServiceClients.class);
        for (int i = 0; i < 4; i++) {
            // 503s are upstream answers, not outages: the caller sees them, the breaker counts them
            assertThatThrownBy(() -> guarded.status(503)).isInstanceOf(UpstreamProblemException.class);
        }
        assertThat(clients.breaker("guarded").getState().name()).isEqualTo("OPEN");
        long before = plain.receivedOn("/status/503/guarded");
        long start = System.nanoTime();
        assertThat(guarded.status(503)).isEqualTo("fallback after ClientRefusedException");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
        assertThat(plain.receivedOn("/status/503/guarded")).isEqualTo(before);
    }

    @Test
    void aKilledUpstreamOpensTheBreakerWithinTheRetryBudgetAndTheFallbackAnswersAtOnce() {
        CallerApp.FragileApi api = caller.getBean(CallerApp.FragileApi.class);
        assertThat(api.call(0)).startsWith("fragile GET /fragile/0");
        fragile.kill();
        // Refused connections. The breaker counts every attempt: the first call's three fail (1 success, 3 failures
        // in its window of 6), the second call's first two fill the window at 5 of 6 failed and open it, so that
        // call's third attempt is refused without a connection. The fallback answers both; the third call is refused.
        assertThat(api.call(1)).isEqualTo("fragile fallback after UpstreamUnavailableException");
        assertThat(api.call(2)).isEqualTo("fragile fallback after ClientRefusedException");
        ServiceClients clients = caller.getBean(ServiceClients.class);
        assertThat(clients.breaker("fragile").getState().name()).isEqualTo("OPEN");
        long start = System.nanoTime();
        assertThat(api.call(3)).isEqualTo("fragile fallback after ClientRefusedException");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
        MeterRegistry meters = caller.getBean(MeterRegistry.class);
        assertThat(meters.get("sluice.client.retries").tag("client", "fragile").counter().count()).isEqualTo(4);
    }

    @Test
    void anUpstreamKilledMidCallIsUnavailableAtOnceNotAfterTheResponseTimeout() throws Exception {
        CallerApp.MidCallApi api = caller.getBean(CallerApp.MidCallApi.class);
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                api.slow(8_000);
                return null;
            }
            catch (Throwable failure) {
                return failure;
            }
        });
        Thread.sleep(1_000); // the request is in the backend, which sleeps on it
        long killed = System.nanoTime();
        midcall.kill();
        // The connection dies with the process; the retries find nobody listening. None waits out the 10 s timeout.
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(UpstreamUnavailableException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)).isLessThan(3_000);
    }

    @Test
    void aHungUpstreamOpensTheBreakerAndLaterCallsFailFast() {
        CallerApp.SluggishApi api = caller.getBean(CallerApp.SluggishApi.class);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> api.call(2_000)).isInstanceOf(UpstreamUnavailableException.class);
        }
        long before = plain.receivedOn("/slow/2000/sluggish");
        long start = System.nanoTime();
        assertThatThrownBy(() -> api.call(2_000)).isInstanceOfSatisfying(ClientRefusedException.class,
                refused -> assertThat(refused.reason()).isEqualTo(ClientRefusedException.Reason.CIRCUIT_OPEN));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
        assertThat(plain.receivedOn("/slow/2000/sluggish")).isEqualTo(before);
    }

    @Test
    void aFullBulkheadRefusesAtOnce() throws Exception {
        CallerApp.NarrowApi narrow = caller.getBean(CallerApp.NarrowApi.class);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<String>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(CompletableFuture.supplyAsync(() -> narrow.slow(1_500), pool));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (plain.receivedOn("/slow/1500/narrow") < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            assertThatThrownBy(() -> narrow.slow(1)).isInstanceOfSatisfying(ClientRefusedException.class,
                    refused -> assertThat(refused.reason()).isEqualTo(ClientRefusedException.Reason.BULKHEAD_FULL));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
            for (CompletableFuture<String> call : held) {
                assertThat(call.get(10, TimeUnit.SECONDS)).contains("/slow/1500/narrow");
            }
            assertThat(narrow.slow(1)).contains("/slow/1/narrow");
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void retriesStayWithinTheBudgetWhenEveryAttemptFails() {
        CallerApp.BudgetedApi budgeted = caller.getBean(CallerApp.BudgetedApi.class);
        int calls = 60;
        for (int i = 0; i < calls; i++) {
            int n = i;
            assertThatThrownBy(() -> budgeted.failing(n)).isInstanceOf(UpstreamProblemException.class);
        }
        long attempts = plain.receivedOn("/status/503/budgeted/");
        // without a budget: 3 attempts per call, 180; with it: the calls plus at most a tenth (or the floor of 2)
        assertThat(attempts).isBetween((long) calls, (long) (calls + calls / 10 + 2));
        MeterRegistry meters = caller.getBean(MeterRegistry.class);
        assertThat(meters.get("sluice.client.requests").tag("client", "budgeted").tag("outcome", "server_error")
                .timer().count()).isEqualTo(calls);
    }

    @Test
    void aKilledInstanceIsRetriedElsewhereThenEjected() {
        CallerApp.MixedApi mixed = caller.getBean(CallerApp.MixedApi.class);
        doomed.kill();
        for (int i = 0; i < 20; i++) {
            assertThat(mixed.call(i)).startsWith("west GET /mixed/" + i);
        }
        // refused connections are retried on the other instance; after 5 in a row the dead one is ejected
        assertThat(west.receivedOn("/mixed/")).isEqualTo(20);
    }

    @Test
    void traceContextAndIdentityTravelFromTheRequestBeingServed() throws Exception {
        int port = ((WebServerApplicationContext) caller).getWebServer().getPort();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/relay/who"))
                .header("traceparent", traceparent).header("X-User-Id", "ann").header("X-Other", "kept-home")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        TestBackend.Received received = plain.received().stream()
                .filter(r -> r.path().equals("/echo/who")).findFirst().orElseThrow();
        assertThat(header(received, "X-User-Id")).isEqualTo("ann");
        assertThat(header(received, "Traceparent")).contains("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(header(received, "X-Other")).isNull();
    }

    private static String header(TestBackend.Received received, String name) {
        return received.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    private long receivedWithId(String id) {
        return List.of(east, west, plain).stream().flatMap(b -> b.received().stream())
                .filter(r -> id.equals(header(r, "X-Test-Id"))).count();
    }
}
