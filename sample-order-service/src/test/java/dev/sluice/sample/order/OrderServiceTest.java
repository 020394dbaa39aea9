package dev.sluice.sample.order;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.sample.order.order.Order;
import dev.sluice.sample.order.order.OrderCreation;
import dev.sluice.sample.order.order.OrderRepository;
import dev.sluice.sample.order.order.OrderStatus;
import dev.sluice.tcc.transaction.GlobalTransactions;
import dev.sluice.test.redis.RedisClusterExtension;
import dev.sluice.test.seata.SeataServerExtension;
import org.apache.seata.core.context.RootContext;
import org.apache.seata.core.model.BranchStatus;
import org.apache.seata.core.model.BranchType;
import org.apache.seata.integration.tx.api.fence.DefaultCommonFenceHandler;
import org.apache.seata.rm.DefaultResourceManager;
import org.apache.seata.tm.api.GlobalTransaction;
import org.apache.seata.tm.api.GlobalTransactionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.sluice.test.http.ProblemAnswers.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The order service as it runs, the example of how to test a Sluice service that calls another: the whole
 * application on a real Redis Cluster, a real Seata TC and its own H2 database in file mode (its default); the
 * inventory is a real HTTP server in this test whose answer each test chooses. platform-local's OrderFlowTest runs
 * the two services together.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrderServiceTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension();

    @RegisterExtension
    static final SeataServerExtension TC = new SeataServerExtension();

    static final Inventory INVENTORY = new Inventory();

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry properties) {
        properties.add("spring.data.redis.cluster.nodes", () -> REDIS.cluster().nodeAddresses());
        properties.add("sluice.tcc.tc-addresses", () -> TC.server().address());
        properties.add("sluice.data-dir", () -> data.toString());
        properties.add("sluice.clients.inventory.base-url", INVENTORY::url);
    }

    @AfterAll
    static void stopInventory() {
        INVENTORY.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    OrderRepository orders;

    final HttpClient http = HttpClient.newHttpClient();

    static String sku(String purpose) {
        return purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    HttpResponse<String> send(String method, String path, String json, String... idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        for (String key : idempotencyKey) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> order(String sku, long quantity) throws Exception {
        return send("POST", "/api/orders", "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}",
                UUID.randomUUID().toString());
    }

    static String field(String json, String name) {
        return json.replaceAll(".*\"" + name + "\":\"([^\"]*)\".*", "$1");
    }

    /** Placing an order: this service's branch and the inventory's, in one global transaction. */
    @Nested
    class Placement {

        @Test
        void anOrderTheInventoryReservesIsConfirmedAndTheReservationCarriesTheXid() throws Exception {
            INVENTORY.answer(201, "{}");
            HttpResponse<String> placed = order(sku("ok"), 2);

            assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
            assertThat(field(placed.body(), "status")).isEqualTo("CONFIRMED");
            assertThat(orders.find(field(placed.body(), "id")).map(Order::status)).hasValue(OrderStatus.CONFIRMED);
            Inventory.Call call = INVENTORY.lastCall();
            assertThat(call.xid()).as("the TX_XID header").isNotBlank();
            assertThat(call.idempotencyKey()).isEqualTo("reserve-" + field(placed.body(), "id"));
        }

        @Test
        void anOrderTheInventoryRefusesIsCancelledAndSaysWhy() throws Exception {
            INVENTORY.answer(409, "{\"type\":\"https://sluice.dev/problems/insufficient_stock\",\"title\":\"Conflict\","
                    + "\"status\":409,\"code\":\"insufficient_stock\"}");
            HttpResponse<String> refused = order(sku("refused"), 2);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("insufficient_stock");
            assertThat(orders.find(field(refused.body(), "orderId")).map(Order::status)).hasValue(OrderStatus.CANCELLED);
        }

        @Test
        void anOrderWhileTheInventoryFailsIsCancelledAsInventoryUnavailable() throws Exception {
            INVENTORY.answer(500, "{}");
            HttpResponse<String> refused = order(sku("down"), 1);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(refused.body()).contains("inventory_unavailable");
            assertThat(orders.find(field(refused.body(), "orderId")).map(Order::status)).hasValue(OrderStatus.CANCELLED);
        }
    }

    /** Malformed requests are refused as problem+json naming what is wrong; none reaches a transaction. */
    @Nested
    class BadInput {

        @Test
        void malformedRequestsAreProblemsNamingWhatIsWrong() throws Exception {
            int calls = INVENTORY.calls();
            assertProblem(send("GET", "/api/orders/not-a-uuid", null), 400, "id");
            assertProblem(send("GET", "/api/orders/stats?sku=bad%20sku", null), 400, "sku");
            assertProblem(send("GET", "/api/orders/stats", null), 400, "sku");
            assertProblem(send("GET", "/api/orders/" + UUID.randomUUID(), null), 404, "order_not_found");
            assertProblem(send("POST", "/api/orders", "{\"sku\":\"a\",\"quantity\":1}"), 400, "Idempotency-Key");
            assertProblem(send("POST", "/api/orders", "{\"sku\":\"a\",\"quantity\":0}", "k0"), 400, "quantity");
            assertProblem(send("POST", "/api/orders", "{\"sku\":\"a\",\"quantity\":\"two\"}", "k1"), 400, "quantity");
            assertProblem(send("POST", "/api/orders", "{\"sku\":\"" + "s".repeat(65) + "\",\"quantity\":1}", "k2"), 400, "sku");
            assertProblem(send("POST", "/api/orders", "[]", "k3"), 400, null);
            assertProblem(send("POST", "/api/orders", "{\"sku\":", "k4"), 400, null);
            assertProblem(send("PATCH", "/api/orders", "{}", "k5"), 405, null);
            assertThat(INVENTORY.calls()).as("no reservation was attempted").isEqualTo(calls);
        }
    }

    /** The order's TCC action and its fence, driven the way the TC drives it (see InventoryServiceTest too). */
    @Nested
    class OrderCreationFence {

        static final String ACTION = "order-create";

        @Autowired
        OrderCreation creation;

        @Autowired
        GlobalTransactions transactions;

        @Autowired
        JdbcClient jdbc;

        @Test
        void aConfirmedOrderStaysConfirmedHoweverOftenTheConfirmOrACancelArrives() throws Exception {
            String orderId = UUID.randomUUID().toString();
            String xid = transactions.execute("create-and-commit", () -> {
                creation.create(null, orderId, sku("confirm"), 1);
                return RootContext.getXID();
            });
            assertThat(orders.find(orderId).map(Order::status)).hasValue(OrderStatus.CONFIRMED);

            assertThat(phaseTwo(true, xid, branchOf(xid), orderId)).isEqualTo(BranchStatus.PhaseTwo_Committed);
            // A cancel for a committed branch is refused by the fence, not applied.
            assertThat(phaseTwo(false, xid, branchOf(xid), orderId)).isNotEqualTo(BranchStatus.PhaseTwo_Rollbacked);
            assertThat(orders.find(orderId).map(Order::status)).hasValue(OrderStatus.CONFIRMED);
        }

        @Test
        void aCancelBeforeItsTryWritesNothingAndTheLateTryIsRefused() throws Exception {
            String orderId = UUID.randomUUID().toString();
            GlobalTransaction transaction = GlobalTransactionContext.createNew();
            transaction.begin(30_000, "late-try");
            try {
                long branchId = 4_243L;
                assertThat(phaseTwo(false, transaction.getXid(), branchId, orderId)).isEqualTo(BranchStatus.PhaseTwo_Rollbacked);
                assertThat(orders.find(orderId)).as("an empty rollback").isEmpty();

                AtomicBoolean ran = new AtomicBoolean();
                assertThatThrownBy(() -> DefaultCommonFenceHandler.get().prepareFence(transaction.getXid(), branchId,
                        ACTION, () -> {
                            ran.set(true);
                            orders.insertPending(orderId, "late", 1);
                            return null;
                        })).isNotNull();
                assertThat(ran).isFalse();
                assertThat(orders.find(orderId)).isEmpty();
            }
            finally {
                transaction.rollback();
            }
        }

        private long branchOf(String xid) {
            return jdbc.sql("SELECT branch_id FROM tcc_fence_log WHERE xid = ? AND action_name = ?").params(xid, ACTION)
                    .query(Long.class).single();
        }

        private BranchStatus phaseTwo(boolean commit, String xid, long branchId, String orderId) throws Exception {
            String applicationData = "{\"actionContext\":{\"orderId\":\"" + orderId + "\",\"useTCCFence\":true}}";
            DefaultResourceManager resources = DefaultResourceManager.get();
            return commit ? resources.branchCommit(BranchType.TCC, xid, branchId, ACTION, applicationData)
                    : resources.branchRollback(BranchType.TCC, xid, branchId, ACTION, applicationData);
        }
    }

    /** The repository on the service's own database: a settled order never changes again. */
    @Nested
    class OrderRepositoryOnItsDatabase {

        @Test
        void aTerminalOrderIsNeverSettledAgain() {
            String id = UUID.randomUUID().toString();
            String sku = sku("settle");
            orders.insertPending(id, sku, 3);

            assertThat(orders.settle(id, OrderStatus.CONFIRMED)).isTrue();
            assertThat(orders.settle(id, OrderStatus.CANCELLED)).isFalse();
            assertThat(orders.find(id).map(Order::status)).hasValue(OrderStatus.CONFIRMED);
            assertThat(orders.stats(sku).confirmedQuantity()).isEqualTo(3);
        }
    }

    /** The inventory's reservation endpoint as a real HTTP server: answers what the test sets, records each call. */
    static final class Inventory implements AutoCloseable {

        record Call(String xid, String idempotencyKey, String body) {
        }

        private final HttpServer server;
        private final AtomicInteger status = new AtomicInteger(201);
        private final AtomicReference<String> body = new AtomicReference<>("{}");
        private final List<Call> calls = new CopyOnWriteArrayList<>();

        Inventory() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/api/inventory/reservations", exchange -> {
                try (exchange) {
                    calls.add(new Call(exchange.getRequestHeaders().getFirst(RootContext.KEY_XID),
                            exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                    int code = status.get();
                    byte[] answer = body.get().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type",
                            code >= 400 ? "application/problem+json" : "application/json");
                    exchange.sendResponseHeaders(code, answer.length);
                    exchange.getResponseBody().write(answer);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void answer(int code, String json) {
            status.set(code);
            body.set(json);
        }

        int calls() {
            return calls.size();
        }

        Call lastCall() {
            return calls.get(calls.size() - 1);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
