package dev.sluice.local;

import dev.sluice.test.process.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TCC order flow on the real stack: Redis Cluster, Seata TC, both services and the gateway, each in its own
 * process. Every test uses its own SKU; the ones that stop or kill a component run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrderFlowTest {

    static LocalStack stack;
    static Api api;

    @BeforeAll
    static void startStack() {
        Path runDir = Path.of("target", "order-flow-test").toAbsolutePath();
        deleteData(runDir);
        StackConfig config = StackConfig.from(new String[] {"--root=" + LauncherProcess.REPO_ROOT, "--run-dir=" + runDir,
                "--redis-port=0", "--seata-port=0", "--seata-console-port=0", "--inventory-port=0", "--order-port=0",
                "--gateway-port=0", "--gateway-management-port=0"}, Map.of()).withFreePortsForZeros();
        stack = new LocalStack(config, System.out);
        stack.start();
        api = new Api(config.gatewayPort());
    }

    /** Each run starts from empty databases. */
    private static void deleteData(Path runDir) {
        dev.sluice.test.process.ProcessReaper.delete(runDir.resolve("data"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void anOrderWithStockIsConfirmedAndOneWithoutIsCancelled() {
        String sku = sku("happy");
        assertThat(api.stock(sku, 1).status()).isEqualTo(200);

        Api.Answer placed = api.order(key(), sku, 1);
        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.text("status")).isEqualTo("CONFIRMED");
        assertThat(placed.raw().headers().firstValue("Location")).hasValue("/api/orders/" + placed.text("id"));
        assertThat(api.get("/api/orders/" + placed.text("id")).text("status")).isEqualTo("CONFIRMED");

        Api.Answer refused = api.order(key(), sku, 1);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.text("reason")).isEqualTo("insufficient_stock");
        assertThat(refused.text("orderStatus")).isEqualTo("CANCELLED");
        assertThat(api.get("/api/orders/" + refused.text("orderId")).text("status")).isEqualTo("CANCELLED");

        assertItem(sku, 0, 0, 1);
        Api.Answer stats = api.stats(sku);
        assertThat(stats.body()).containsEntry("pending", 0).containsEntry("confirmed", 1)
                .containsEntry("cancelled", 1).containsEntry("confirmedQuantity", 1);
    }

    @Test
    @Order(2)
    void sixteenClientsPlacingFourHundredOrdersAgainstAStockOfAHundredNeverOversell() throws Exception {
        String sku = sku("rush");
        api.stock(sku, 100);
        AtomicBoolean placing = new AtomicBoolean(true);
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicInteger samples = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (placing.get()) {
                Api.Answer item = api.item(sku);
                long available = item.number("available");
                long reserved = item.number("reserved");
                long sold = item.number("sold");
                samples.incrementAndGet();
                if (available < 0 || reserved < 0 || sold < 0 || available + reserved + sold != 100) {
                    violations.add(item.body().toString());
                }
            }
        });
        sampler.start();

        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int c = 0; c < 16; c++) {
            done.add(clients.submit(() -> {
                while (next.getAndIncrement() < 400) {
                    Api.Answer answer = api.order(key(), sku, 1);
                    statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
        clients.shutdown();
        placing.set(false);
        sampler.join();

        assertThat(violations).as("stock samples breaking an invariant").isEmpty();
        assertThat(samples.get()).as("stock samples taken during the run").isGreaterThan(10);
        assertThat(statuses.get(201)).hasValue(100);
        assertThat(statuses.get(409)).hasValue(300);
        assertSettled(sku);
        assertItem(sku, 0, 0, 100);
        assertThat(api.stats(sku).body()).containsEntry("confirmed", 100).containsEntry("cancelled", 300)
                .containsEntry("confirmedQuantity", 100);
    }

    @Test
    @Order(3)
    void aRepeatedKeyReplaysTheFirstAnswerAndCreatesNothing() {
        String sku = sku("idem");
        api.stock(sku, 10);
        String key = key();

        Api.Answer first = api.order(key, sku, 2);
        Api.Answer again = api.order(key, sku, 2);
        Api.Answer other = api.order(key, sku, 3);

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.raw().body()).isEqualTo(first.raw().body());
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.text("code")).isEqualTo("idempotency_key_reused");
        assertThat(api.stats(sku).body()).containsEntry("confirmed", 1).containsEntry("cancelled", 0);
        assertItem(sku, 8, 0, 2);
    }

    @Test
    @Order(4)
    void concurrentRequestsWithOneKeyCreateOneOrderAtMost() throws Exception {
        String sku = sku("idem-race");
        api.stock(sku, 100);
        String key = key();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<Api.Answer>> answers = new java.util.ArrayList<>();
        for (int c = 0; c < 16; c++) {
            answers.add(clients.submit(() -> {
                go.await();
                return api.order(key, sku, 1);
            }));
        }
        go.countDown();
        List<Integer> statuses = new java.util.ArrayList<>();
        for (Future<Api.Answer> a : answers) {
            statuses.add(a.get(2, TimeUnit.MINUTES).status());
        }
        clients.shutdown();

        // One ran; each other one either saw it in progress (409) or replayed its answer (201).
        assertThat(statuses).allMatch(s -> s == 201 || s == 409).contains(201);
        assertThat(api.stats(sku).body()).containsEntry("confirmed", 1).containsEntry("cancelled", 0)
                .containsEntry("pending", 0);
        assertItem(sku, 99, 0, 1);
    }

    @Test
    @Order(5)
    void badRequestsAreProblemsNamingTheFieldAndChangeNothing() {
        String sku = sku("bad");
        api.stock(sku, 5);

        Api.Answer noKey = api.order(null, sku, 1);
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body().get("errors").toString()).contains("Idempotency-Key");

        Api.Answer invalid = api.order(key(), "{\"sku\":\"no spaces\",\"quantity\":0}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().get("errors").toString()).contains("field=sku", "field=quantity");

        Api.Answer malformed = api.order(key(), "{\"sku\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text("code")).isEqualTo("malformed_body");

        Api.Answer unknownSku = api.order(key(), sku("never-stocked"), 1);
        assertThat(unknownSku.status()).isEqualTo(409);
        assertThat(unknownSku.text("reason")).isEqualTo("unknown_sku");

        assertThat(api.get("/api/orders/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(api.item(sku("never-stocked")).status()).isEqualTo(404);
        assertThat(api.stock(sku, -1).status()).isEqualTo(400);
        assertItem(sku, 5, 0, 0);
    }

    @Test
    @Order(6)
    void withTheInventoryDownOrdersFailPromptlyAndStockIsUntouched() throws Exception {
        String sku = sku("down");
        api.stock(sku, 10);
        Component inventory = stack.component("sample-inventory-service");

        inventory.stop();
        long began = System.nanoTime();
        Api.Answer refused = api.order(key(), sku, 1);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text("reason")).isEqualTo("inventory_unavailable");
        assertThat(refused.text("orderStatus")).isEqualTo("CANCELLED");
        assertThat(took).isLessThan(Duration.ofSeconds(5));

        inventory.start();
        assertItem(sku, 10, 0, 0);
        assertSettled(sku);
    }

    @Test
    @Order(7)
    void withTheInventoryHangingOrdersFailAtTheTimeoutAndStockIsUntouched() throws Exception {
        String sku = sku("hang");
        api.stock(sku, 10);
        long pid = stack.component("sample-inventory-service").pids().get(0);

        signal("STOP", pid); // frozen: connections open, nothing answers
        Api.Answer refused;
        Duration took;
        try {
            long began = System.nanoTime();
            refused = api.order(key(), sku, 1);
            took = Duration.ofNanos(System.nanoTime() - began);
        }
        finally {
            signal("CONT", pid);
        }
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text("reason")).isEqualTo("inventory_unavailable");
        // orders.inventory.read-timeout is 3 s: bounded by it, not hanging.
        assertThat(took).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(10));

        // The late reservation that the frozen inventory now processes must not take stock (anti-suspension).
        Thread.sleep(3000);
        assertItem(sku, 10, 0, 0);
        assertSettled(sku);
    }

    private static void assertSettled(String sku) {
        Await.until("every order of " + sku + " to settle", Duration.ofSeconds(60),
                () -> api.stats(sku).number("pending") == 0);
        Await.until("no stock of " + sku + " to stay reserved", Duration.ofSeconds(60),
                () -> api.item(sku).number("reserved") == 0);
    }

    private static void assertItem(String sku, long available, long reserved, long sold) {
        Api.Answer item = api.item(sku);
        assertThat(item.status()).isEqualTo(200);
        assertThat(item.body()).containsEntry("available", (int) available).containsEntry("reserved", (int) reserved)
                .containsEntry("sold", (int) sold);
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
    }

    private static String sku(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }
}
