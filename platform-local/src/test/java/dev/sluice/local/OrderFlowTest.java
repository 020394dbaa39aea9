package dev.sluice.local;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.sluice.local.OrderScenarios.key;
import static dev.sluice.local.OrderScenarios.sku;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TCC order flow on the real stack: Redis Cluster, Seata TC, both services and the gateway, each in its own
 * process. Every test uses its own SKU, puts back what it stops or kills, and starts once an order goes through end
 * to end, so the tests run in any order.
 */
class OrderFlowTest {

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension("order-flow-test")
            .eachTestOnceAnOrderGoesThrough();

    @Test
    void anOrderWithStockIsConfirmedAndOneWithoutIsCancelled() {
        OrderScenarios.LastUnit orders = STACK.scenarios().placeTheLastUnitTwice(sku("happy"));

        Api.Answer placed = orders.placed();
        assertThat(placed.raw().headers().firstValue("Location")).hasValue("/api/orders/" + placed.text("id"));
        assertThat(STACK.api().get("/api/orders/" + placed.text("id")).text("status")).isEqualTo("CONFIRMED");
        Api.Answer refused = orders.refused();
        assertThat(refused.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(STACK.api().get("/api/orders/" + refused.text("orderId")).text("status")).isEqualTo("CANCELLED");
    }

    @Test
    void theOrderServiceLimitsPlacingOrdersItself() {
        // Asked directly: through the gateway, the route's own RateLimit-* headers are the ones a client sees.
        Api direct = new Api(STACK.stack().config().portOf("sample-order-service"));
        Api.Answer invalid = direct.order(key(), "not a sku", 1);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.raw().headers().firstValue("RateLimit-Limit")).hasValue("4000");
    }

    @Test
    void sixteenClientsPlacingFourHundredOrdersAgainstAStockOfAHundredNeverOversell() throws Exception {
        String sku = sku("rush");
        OrderScenarios.Rush rush = STACK.scenarios().rush(sku, 100, 16, 400);

        assertThat(rush.violations()).as("stock samples breaking an invariant").isEmpty();
        assertThat(rush.samples()).as("stock samples taken during the run").isGreaterThan(10);
        assertThat(rush.statuses()).as("answers other than 201 and 409: %s", rush.unexpected())
                .containsEntry(201, 100).containsEntry(409, 300);
        assertSettled(sku);
        assertItem(sku, 0, 0, 100);
        assertThat(STACK.api().stats(sku).body()).containsEntry("confirmed", 100).containsEntry("cancelled", 300)
                .containsEntry("confirmedQuantity", 100);
    }

    @Test
    void aRepeatedKeyReplaysTheFirstAnswerAndCreatesNothing() {
        String sku = sku("idem");
        STACK.api().stock(sku, 10);
        String key = key();

        Api.Answer first = STACK.api().order(key, sku, 2);
        Api.Answer again = STACK.api().order(key, sku, 2);
        Api.Answer other = STACK.api().order(key, sku, 3);

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.raw().body()).isEqualTo(first.raw().body());
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.text("code")).isEqualTo("idempotency_key_reused");
        assertThat(STACK.api().stats(sku).body()).containsEntry("confirmed", 1).containsEntry("cancelled", 0);
        assertItem(sku, 8, 0, 2);
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneOrderAtMost() throws Exception {
        String sku = sku("idem-race");
        STACK.api().stock(sku, 100);
        String key = key();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<Api.Answer>> answers = new java.util.ArrayList<>();
        for (int c = 0; c < 16; c++) {
            answers.add(clients.submit(() -> {
                go.await();
                return STACK.api().order(key, sku, 1);
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
        assertThat(STACK.api().stats(sku).body()).containsEntry("confirmed", 1).containsEntry("cancelled", 0)
                .containsEntry("pending", 0);
        assertItem(sku, 99, 0, 1);
    }

    @Test
    void badRequestsAreProblemsNamingTheFieldAndChangeNothing() {
        String sku = sku("bad");
        STACK.api().stock(sku, 5);

        Api.Answer noKey = STACK.api().order(null, sku, 1);
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body().get("errors").toString()).contains("Idempotency-Key");

        Api.Answer invalid = STACK.api().order(key(), "{\"sku\":\"no spaces\",\"quantity\":0}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().get("errors").toString()).contains("field=sku", "field=quantity");

        Api.Answer malformed = STACK.api().order(key(), "{\"sku\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text("code")).isEqualTo("malformed_body");

        Api.Answer unknownSku = STACK.api().order(key(), sku("never-stocked"), 1);
        assertThat(unknownSku.status()).isEqualTo(409);
        assertThat(unknownSku.text("reason")).isEqualTo("unknown_sku");

        assertThat(STACK.api().get("/api/orders/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(STACK.api().item(sku("never-stocked")).status()).isEqualTo(404);
        assertThat(STACK.api().stock(sku, -1).status()).isEqualTo(400);
        assertItem(sku, 5, 0, 0);
    }

    @Test
    void withTheInventoryDownOrdersFailPromptlyAndStockIsUntouched() throws Exception {
        String sku = sku("down");
        STACK.api().stock(sku, 10);
        Component inventory = STACK.stack().component("sample-inventory-service");

        inventory.stop();
        try {
            long began = System.nanoTime();
            Api.Answer refused = STACK.api().order(key(), sku, 1);
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.text("reason")).isEqualTo("inventory_unavailable");
            assertThat(refused.text("orderStatus")).isEqualTo("CANCELLED");
            assertThat(took).isLessThan(Duration.ofSeconds(5));
        }
        finally {
            inventory.start();
        }
        assertItem(sku, 10, 0, 0);
        assertSettled(sku);
    }

    @Test
    void withTheInventoryHangingOrdersFailAtTheTimeoutAndStockIsUntouched() throws Exception {
        String sku = sku("hang");
        STACK.api().stock(sku, 10);
        long pid = STACK.stack().component("sample-inventory-service").pids().get(0);

        ManagedProcess.signal(pid, "STOP"); // frozen: connections open, nothing answers
        Api.Answer refused;
        Duration took;
        try {
            long began = System.nanoTime();
            refused = STACK.api().order(key(), sku, 1);
            took = Duration.ofNanos(System.nanoTime() - began);
        }
        finally {
            ManagedProcess.signal(pid, "CONT");
        }
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text("reason")).isEqualTo("inventory_unavailable");
        // Two attempts of 3 s (sluice.clients.inventory): bounded by them, not hanging.
        assertThat(took).isBetween(Duration.ofMillis(5500), Duration.ofSeconds(10));

        // The late reservation that the frozen inventory now processes must not take stock (anti-suspension).
        Thread.sleep(3000);
        assertItem(sku, 10, 0, 0);
        assertSettled(sku);
    }

    @Test
    void anInventoryKilledBetweenTryAndConfirmIsConfirmedByTheTcOnceItIsBack() throws Exception {
        String sku = sku("crash-confirm");
        STACK.api().stock(sku, 10);
        Component inventory = STACK.stack().component("sample-inventory-service");
        try (HoldingProxy proxy = new HoldingProxy(STACK.stack().config().portOf("sample-inventory-service"));
             SecondOrderService orders = new SecondOrderService(proxy.port(), "30s")) {
            Future<Api.Answer> placed = orders.placeInBackground(sku, 1);
            awaitTheTryHeld(proxy, placed);
            assertItem(sku, 9, 1, 0); // tried: reserved, not yet confirmed

            inventory.kill();
            proxy.release(); // the order service learns the try succeeded and commits
            Api.Answer answer = placed.get(60, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(201);
            assertThat(answer.text("status")).isEqualTo("CONFIRMED");

            inventory.start(); // the TC retries the inventory's confirm until it runs
            assertSettled(sku);
            assertItem(sku, 9, 0, 1);
        }
        finally {
            startAgainIfDead(inventory);
        }
    }

    @Test
    void anInventoryKilledBetweenTryAndCancelIsCancelledByTheTcOnceItIsBack() throws Exception {
        String sku = sku("crash-cancel");
        STACK.api().stock(sku, 10);
        Component inventory = STACK.stack().component("sample-inventory-service");
        try (HoldingProxy proxy = new HoldingProxy(STACK.stack().config().portOf("sample-inventory-service"));
             SecondOrderService orders = new SecondOrderService(proxy.port(), "30s")) {
            Future<Api.Answer> placed = orders.placeInBackground(sku, 1);
            awaitTheTryHeld(proxy, placed);

            inventory.kill();
            proxy.abort(); // the order service never hears back, and its retry of the keyed try is refused: it rolls back
            Api.Answer answer = placed.get(60, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.text("reason")).isEqualTo("inventory_unavailable");

            inventory.start(); // the TC retries the inventory's cancel until it runs
            assertSettled(sku);
            assertItem(sku, 10, 0, 0);
        }
        finally {
            startAgainIfDead(inventory);
        }
    }

    @Test
    void anOrderServiceKilledMidTransactionHasItsOrderCancelledOnceItIsBack() throws Exception {
        String sku = sku("crash-order");
        STACK.api().stock(sku, 10);
        // Instances of one service share a database, so the TC may run a branch's cancel on any of them. This test's
        // second instance has a database of its own: the first one is stopped so that the cancel waits for it.
        Component firstOrderService = STACK.stack().component("sample-order-service");
        firstOrderService.stop();
        try (HoldingProxy proxy = new HoldingProxy(STACK.stack().config().portOf("sample-inventory-service"));
             SecondOrderService orders = new SecondOrderService(proxy.port(), "30s", "--sluice.tcc.timeout=5s")) {
            Future<Api.Answer> placed = orders.placeInBackground(sku, 1);
            awaitTheTryHeld(proxy, placed);
            assertItem(sku, 9, 1, 0);

            orders.component().kill(); // its order is PENDING; its transaction will never be committed
            proxy.abort();
            assertThat(placed).failsWithin(Duration.ofSeconds(30));

            // The TC times the transaction out (5 s) and retries the cancels, in branch order, until they have run:
            // the order's as soon as its service is back, then the inventory's.
            Thread.sleep(6_000);
            assertItem(sku, 9, 1, 0);
            orders.component().start();
            Await.until("the order's cancel", Duration.ofSeconds(60),
                    () -> orders.api().stats(sku).number("cancelled") == 1);
            Await.until("the inventory's cancel", Duration.ofSeconds(60),
                    () -> STACK.api().item(sku).number("reserved") == 0);
            assertThat(orders.api().stats(sku).body()).containsEntry("pending", 0).containsEntry("confirmed", 0);
            assertItem(sku, 10, 0, 0);
        }
        finally {
            firstOrderService.start();
        }
    }

    @Test
    void aTcRestartDuringALoadOfOrdersLeavesEveryOrderTerminalAndTheStockConsistent() throws Exception {
        String sku = sku("tc-restart");
        STACK.api().stock(sku, 1_000);
        SeataComponent tc = (SeataComponent) STACK.stack().component("seata-tc");
        Map<String, Integer> answered = STACK.scenarios().placeWhile(sku, 8, () -> {
            Thread.sleep(3_000);
            // A crash: the TC may die between the confirms of one commit. It finishes that commit once the session
            // is older than its retry-dead threshold (40 s here), so settling may take that long.
            tc.kill();
            Thread.sleep(2_000);
            tc.restart();
            Thread.sleep(5_000);
            return null;
        });

        assertThat(answered.values()).contains(201);
        STACK.scenarios().assertSettled(sku, Duration.ofSeconds(120));
        Api.Answer item = STACK.api().item(sku);
        Api.Answer stats = STACK.api().stats(sku);
        assertThat(item.number("available") + item.number("reserved") + item.number("sold")).isEqualTo(1_000);
        assertThat(item.number("sold")).isEqualTo(stats.number("confirmedQuantity"));
        // What each client was told holds: a 201 stayed CONFIRMED and a 409 stayed CANCELLED.
        STACK.scenarios().assertAnswersHeld(answered);
    }

    /** Waits for the inventory's answer to the try to reach the proxy; if it never does, says what the order got. */
    private static void awaitTheTryHeld(HoldingProxy proxy, Future<Api.Answer> placed) throws Exception {
        if (!proxy.awaitAnswerHeld(30)) {
            String answer = placed.isDone() ? placed.get().status() + " " + placed.get().raw().body() : "no answer yet";
            throw new AssertionError("the inventory's try never answered through the proxy; the order got: " + answer);
        }
    }

    /** Starts {@code component} again unless it runs: a test that failed half-way leaves the stack whole. */
    private static void startAgainIfDead(Component component) {
        boolean alive = component.pids().stream()
                .anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        if (!alive) {
            component.start();
        }
    }

    /** A second order-service instance that reaches the inventory through {@code inventoryPort} (a proxy). */
    private static final class SecondOrderService implements AutoCloseable {

        private final BootAppComponent component;
        private final Api api;

        SecondOrderService(int inventoryPort, String readTimeout, String... extra) {
            StackConfig config = STACK.stack().config();
            int port = dev.sluice.test.process.Ports.free();
            List<String> arguments = new java.util.ArrayList<>(List.of(
                    ((CoordinatorComponent) STACK.stack().component("seata-tc")).serviceArgument(),
                    "--sluice.data-dir=" + config.runDir().resolve("data-order-2"),
                    "--spring.data.redis.cluster.nodes="
                            + ((RedisClusterComponent) STACK.stack().component("redis-cluster")).nodes(),
                    // Off the registry: it neither takes the gateway's orders nor finds the inventory but through
                    // the proxy, named by static discovery.
                    "--sluice.registry.enabled=false",
                    "--spring.cloud.discovery.client.simple.instances.sample-inventory-service[0].uri=http://127.0.0.1:"
                            + inventoryPort,
                    "--sluice.clients.inventory.response-timeout=" + readTimeout));
            arguments.addAll(List.of(extra));
            component = new BootAppComponent("sample-order-service-2", "sample-order-service", config, port, port, arguments,
                    java.util.Map.of());
            component.start();
            api = new Api(port);
        }

        Future<Api.Answer> placeInBackground(String sku, long quantity) {
            ExecutorService one = Executors.newSingleThreadExecutor();
            Future<Api.Answer> answer = one.submit(() -> api.order(key(), sku, quantity));
            one.shutdown();
            return answer;
        }

        BootAppComponent component() {
            return component;
        }

        Api api() {
            return api;
        }

        @Override
        public void close() {
            component.stop();
        }
    }

    private static void assertSettled(String sku) {
        STACK.scenarios().assertSettled(sku, Duration.ofSeconds(60));
    }

    private static void assertItem(String sku, long available, long reserved, long sold) {
        STACK.scenarios().assertItem(sku, available, reserved, sold);
    }
}
