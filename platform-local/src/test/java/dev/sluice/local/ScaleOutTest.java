package dev.sluice.local;

import dev.sluice.test.process.ManagedProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scaling out with the registry, as a user does it: {@code ./run-local.sh add sample-order-service} beside a running
 * stack starts one more instance, and the gateway spreads requests over it with no restart and no edit. A graceful
 * stop drains it with no failed request; a SIGKILLed one leaves discovery within its TTL. Each test adds its own
 * instance.
 */
class ScaleOutTest {

    private static final Pattern UP = Pattern.compile("is up at http://127\\.0\\.0\\.1:(\\d+) \\(pid (\\d+)\\)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static LocalStack stack;


    @RegisterExtension

    static final StackLogsOnFailure STACK_LOGS = new StackLogsOnFailure(() -> stack);
    static Api api;

    @BeforeAll
    static void startStack() {
        stack = TestStacks.start("scale-out");
        api = new Api(stack.config().gatewayPort());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** An instance added by the launcher's {@code add} command, its port and its service JVM's pid. */
    record Added(LauncherProcess launcher, int port, long pid) implements AutoCloseable {

        static Added orderService() throws Exception {
            LauncherProcess launcher = new LauncherProcess(List.of("add", "sample-order-service",
                    "--run-dir=" + stack.config().runDir()));
            try {
                launcher.awaitLine("is up at", Duration.ofSeconds(120));
            }
            catch (AssertionError | Exception e) {
                launcher.close();
                throw e;
            }
            Matcher up = UP.matcher(launcher.output());
            assertThat(up.find()).as(launcher.output()).isTrue();
            return new Added(launcher, Integer.parseInt(up.group(1)), Long.parseLong(up.group(2)));
        }

        String instance() {
            return "127.0.0.1:" + port;
        }

        @Override
        public void close() {
            launcher.close();
        }
    }

    /** Which order-service instance answered a GET through the gateway. */
    static String answeringInstance() {
        Api.Answer info = api.get("/api/orders/info");
        assertThat(info.status()).as(info.raw().body()).isEqualTo(200);
        return info.text("instance");
    }

    @Test
    void anAddedInstanceServesWithinTwoSecondsAndAGracefulStopDrainsItWithNoFailedRequest() throws Exception {
        String first = "127.0.0.1:" + stack.config().portOf("sample-order-service");
        String sku = "scale-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.stock(sku, 100_000).status()).isEqualTo(200);
        try (Added second = Added.orderService()) {
            long up = System.nanoTime();
            while (!answeringInstance().equals(second.instance())) {
                assertThat(System.nanoTime() - up).as("time until the added instance answers through the gateway")
                        .isLessThan(Duration.ofSeconds(2).toNanos());
            }
            System.out.printf("added instance answered through the gateway %d ms after it reported ready%n",
                    (System.nanoTime() - up) / 1_000_000);
            List<String> next = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                next.add(answeringInstance());
            }
            assertThat(next).containsOnly(first, second.instance()).contains(first, second.instance());

            // Orders and reads from four clients while the added instance is stopped gracefully (SIGTERM).
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> servedBy = new ConcurrentLinkedQueue<>();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> load = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                boolean orders = c % 2 == 0;
                load.add(clients.submit(() -> {
                    while (running.get()) {
                        try {
                            if (orders) {
                                Api.Answer placed = api.order(UUID.randomUUID().toString(), sku, 1);
                                if (placed.status() != 201) {
                                    failures.add("order " + placed.status() + " " + placed.raw().body());
                                }
                            }
                            else {
                                Api.Answer info = api.get("/api/orders/info");
                                if (info.status() != 200) {
                                    failures.add("info " + info.status() + " " + info.raw().body());
                                }
                                else {
                                    servedBy.add(info.text("instance"));
                                }
                            }
                        }
                        catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            Thread.sleep(1_500);
            second.launcher().signal("TERM");
            second.launcher().awaitExit(Duration.ofSeconds(30)); // 143: ended by SIGTERM, after its hooks ran
            int afterStop = servedBy.size();
            Thread.sleep(1_500);
            running.set(false);
            for (Future<?> client : load) {
                client.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
            System.out.printf("graceful stop: %d requests served, %d by the stopped instance, %d failed%n",
                    servedBy.size(), servedBy.stream().filter(second.instance()::equals).count(), failures.size());
            assertThat(failures).as("requests that failed while an instance drained").isEmpty();
            assertThat(servedBy).as("the added instance served before it stopped").contains(second.instance());
            assertThat(servedBy.stream().skip(afterStop)).as("served after it stopped").isNotEmpty()
                    .doesNotContain(second.instance());
        }
    }

    @Test
    void aKilledInstanceLeavesDiscoveryWithinItsTtlWhileReadsKeepBeingServed() throws Exception {
        try (Added extra = Added.orderService()) {
            long up = System.nanoTime();
            while (!answeringInstance().equals(extra.instance())) {
                assertThat(System.nanoTime() - up).isLessThan(Duration.ofSeconds(2).toNanos());
            }
            assertThat(live(extra.instance())).isTrue();

            assertThat(ManagedProcess.signal(extra.pid(), "KILL")).as("SIGKILL sent").isTrue();
            long killed = System.nanoTime();
            List<String> failures = new ArrayList<>();
            long leftAfter = -1;
            while (System.nanoTime() - killed < Duration.ofSeconds(15).toNanos()) {
                Api.Answer info = api.get("/api/orders/info");
                if (info.status() != 200) {
                    failures.add(info.status() + " " + info.raw().body());
                }
                else {
                    assertThat(info.text("instance")).isNotEqualTo(extra.instance());
                }
                if (leftAfter < 0 && !live(extra.instance())) {
                    leftAfter = (System.nanoTime() - killed) / 1_000_000;
                }
                Thread.sleep(20);
            }
            // Reads are retried on the other instance (the route's retry), and the gateway's load balancer ejects
            // the dead one after a few refused connections; the registry drops it after its TTL (10 s) plus at most
            // one refresh (2 s).
            System.out.printf("killed instance left the registry after %d ms; %d reads failed%n", leftAfter, failures.size());
            assertThat(failures).as("reads that failed after the kill").isEmpty();
            assertThat(leftAfter).as("ms until the registry no longer offers the killed instance").isBetween(0L, 12_500L);
        }
    }

    /** Whether the gateway's Admin API shows the instance as live in the registry. */
    @SuppressWarnings("unchecked")
    private static boolean live(String instance) throws Exception {
        AdminToken token = AdminToken.resolve(Map.of(), stack.config().runDir());
        HttpResponse<String> view = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + stack.config().gatewayManagementPort() + "/admin/v1/services"))
                .header("Authorization", "Bearer " + token.value()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        Map<String, Object> body = JSON.readValue(view.body(), Map.class);
        List<Map<String, Object>> instances = (List<Map<String, Object>>) ((Map<String, Object>) body.get("services"))
                .getOrDefault("sample-order-service", List.of());
        return instances.stream().anyMatch(i -> instance.equals(i.get("id")) && Boolean.TRUE.equals(i.get("live")));
    }
}
