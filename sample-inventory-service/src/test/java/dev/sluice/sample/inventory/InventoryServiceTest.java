package dev.sluice.sample.inventory;

import dev.sluice.sample.inventory.item.Item;
import dev.sluice.sample.inventory.item.ItemRepository;
import dev.sluice.sample.inventory.reservation.StockReservation;
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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.sluice.test.http.ProblemAnswers.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The inventory service as it runs, the example of how to test a Sluice service: the whole application on a real
 * Redis Cluster, a real Seata TC and its own H2 database in file mode (its default), one application for every
 * nested group below. The order flow across services is tested in platform-local's OrderFlowTest.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InventoryServiceTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension();

    @RegisterExtension
    static final SeataServerExtension TC = new SeataServerExtension();

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry properties) {
        properties.add("spring.data.redis.cluster.nodes", () -> REDIS.cluster().nodeAddresses());
        properties.add("sluice.tcc.tc-addresses", () -> TC.server().address());
        properties.add("sluice.data-dir", () -> data.toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    ItemRepository items;

    static String sku(String purpose) {
        return purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The HTTP API: what it answers, and how it refuses what it cannot take (RFC 9457 problem+json). */
    @Nested
    class ItemApi {

        final HttpClient http = HttpClient.newHttpClient();

        @Test
        void stockSetWithPutIsReadBackWithGet() throws Exception {
            String sku = sku("api");
            assertThat(send("PUT", "/api/inventory/items/" + sku, "{\"available\":5}").statusCode()).isEqualTo(200);

            HttpResponse<String> item = send("GET", "/api/inventory/items/" + sku, null);
            assertThat(item.statusCode()).isEqualTo(200);
            assertThat(item.body()).contains("\"available\":5", "\"reserved\":0", "\"sold\":0");
        }

        @Test
        void malformedRequestsAreProblemsNamingWhatIsWrong() throws Exception {
            assertProblem(send("GET", "/api/inventory/items/bad%20sku", null), 400, "sku");
            assertProblem(send("GET", "/api/inventory/items/" + "x".repeat(65), null), 400, "sku");
            assertProblem(send("PUT", "/api/inventory/items/" + sku("neg"), "{\"available\":-1}"), 400, "available");
            assertProblem(send("PUT", "/api/inventory/items/" + sku("type"), "{\"available\":\"many\"}"), 400, "available");
            assertProblem(send("PUT", "/api/inventory/items/" + sku("big"), "{\"available\":1e999}"), 400, null);
            assertProblem(send("PUT", "/api/inventory/items/" + sku("json"), "{\"available\":"), 400, null);
            assertProblem(send("PUT", "/api/inventory/items/" + sku("missing"), "{}"), 400, "available");
            assertProblem(send("DELETE", "/api/inventory/items/" + sku("verb"), null), 405, null);
            assertProblem(send("GET", "/api/inventory/items/" + sku("unknown"), null), 404, "item_not_found");
            // A reservation outside a global transaction has nothing to confirm or cancel it.
            assertProblem(send("POST", "/api/inventory/reservations", "{\"sku\":\"a\",\"quantity\":1}", "k1"), 400,
                    "transaction_required");
            assertProblem(send("POST", "/api/inventory/reservations", "{\"sku\":\"a\",\"quantity\":0}", "k2"), 400,
                    "quantity");
        }

        @Test
        void aReservationWithoutAnIdempotencyKeyIsRefused() throws Exception {
            assertProblem(send("POST", "/api/inventory/reservations", "{\"sku\":\"a\",\"quantity\":1}"), 400,
                    "Idempotency-Key");
        }

        private HttpResponse<String> send(String method, String path, String json, String... idempotencyKey)
                throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            for (String key : idempotencyKey) {
                request.header("Idempotency-Key", key);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The repository on the service's own database: its guarded UPDATEs keep every unit in one column. */
    @Nested
    class ItemRepositoryOnItsDatabase {

        @Test
        void stockMovesBetweenColumnsAndNeverBelowZero() {
            String sku = sku("moves");
            items.setAvailable(sku, 3);

            assertThat(items.reserve(sku, 2)).isTrue();
            assertThat(items.reserve(sku, 2)).as("only one unit is left").isFalse();
            assertThat(items.confirm(sku, 2)).isTrue();
            assertThat(items.release(sku, 1)).as("nothing is reserved any more").isFalse();
            assertThat(items.find(sku)).hasValue(new Item(sku, 1, 0, 2));
        }

        @Test
        void concurrentReservationsNeverTakeMoreThanIsAvailable() throws Exception {
            String sku = sku("race");
            items.setAvailable(sku, 10);
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> reservations = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    reservations.add(clients.submit(() -> items.reserve(sku, 1)));
                }
                int granted = 0;
                for (Future<Boolean> reservation : reservations) {
                    granted += reservation.get() ? 1 : 0;
                }
                assertThat(granted).isEqualTo(10);
            }
            finally {
                clients.shutdownNow();
            }
            assertThat(items.find(sku)).hasValue(new Item(sku, 0, 10, 0));
        }
    }

    /**
     * The TCC action and its fence, driven the way the TC drives it: phase 2 arrives through Seata's resource
     * manager, as often as the TC sends it, and possibly before the try.
     */
    @Nested
    class StockReservationFence {

        static final String ACTION = "inventory-reserve";

        @Autowired
        StockReservation reservation;

        @Autowired
        GlobalTransactions transactions;

        @Autowired
        JdbcClient jdbc;

        @Test
        void aCommittedReservationIsSoldOnceHoweverOftenTheConfirmArrives() throws Exception {
            String sku = sku("confirm");
            items.setAvailable(sku, 10);

            String xid = transactions.execute("reserve-and-commit", inTransaction(() -> reservation.reserve(null, sku, 2)));
            assertThat(items.find(sku)).hasValue(new Item(sku, 8, 0, 2));

            // The TC sends the confirm again (say its answer was lost): the fence answers it without selling twice.
            assertThat(phaseTwo(true, xid, sku, 2)).isEqualTo(BranchStatus.PhaseTwo_Committed);
            assertThat(items.find(sku)).hasValue(new Item(sku, 8, 0, 2));
        }

        @Test
        void aRolledBackReservationIsReleasedOnceHoweverOftenTheCancelArrives() throws Exception {
            String sku = sku("cancel");
            items.setAvailable(sku, 10);
            String[] xid = new String[1];

            assertThatThrownBy(() -> transactions.execute("reserve-and-fail", () -> {
                xid[0] = RootContext.getXID();
                reservation.reserve(null, sku, 2);
                throw new IllegalStateException("the order could not be placed");
            })).hasMessage("the order could not be placed");
            assertThat(items.find(sku)).hasValue(new Item(sku, 10, 0, 0));

            assertThat(phaseTwo(false, xid[0], sku, 2)).isEqualTo(BranchStatus.PhaseTwo_Rollbacked);
            assertThat(items.find(sku)).hasValue(new Item(sku, 10, 0, 0));
        }

        @Test
        void aCancelBeforeItsTryChangesNothingAndTheLateTryIsRefused() throws Exception {
            String sku = sku("suspended");
            items.setAvailable(sku, 10);
            GlobalTransaction transaction = GlobalTransactionContext.createNew();
            transaction.begin(30_000, "late-try");
            try {
                long branchId = 4_242L;
                // The try is late (a slow network): the TC has already timed the transaction out and cancels.
                assertThat(phaseTwo(false, transaction.getXid(), branchId, sku, 2)).isEqualTo(BranchStatus.PhaseTwo_Rollbacked);
                assertThat(items.find(sku)).as("an empty rollback").hasValue(new Item(sku, 10, 0, 0));

                // Then the try arrives, through the same fence Seata's interceptor puts around reserve(): refused.
                AtomicBoolean ran = new AtomicBoolean();
                assertThatThrownBy(() -> DefaultCommonFenceHandler.get().prepareFence(transaction.getXid(), branchId,
                        ACTION, () -> {
                            ran.set(true);
                            return items.reserve(sku, 2);
                        })).isNotNull();
                assertThat(ran).isFalse();
                assertThat(items.find(sku)).hasValue(new Item(sku, 10, 0, 0));
            }
            finally {
                transaction.rollback();
            }
        }

        /** Runs {@code business} in the transaction and returns the transaction's XID. */
        private Callable<String> inTransaction(Runnable business) {
            return () -> {
                business.run();
                return RootContext.getXID();
            };
        }

        private BranchStatus phaseTwo(boolean commit, String xid, String sku, long quantity) throws Exception {
            Long branchId = jdbc.sql("SELECT branch_id FROM tcc_fence_log WHERE xid = ? AND action_name = ?")
                    .params(xid, ACTION).query(Long.class).single();
            return phaseTwo(commit, xid, branchId, sku, quantity);
        }

        /** What the TC sends for a branch: its action context travels as the branch's application data. */
        private BranchStatus phaseTwo(boolean commit, String xid, long branchId, String sku, long quantity)
                throws Exception {
            String applicationData = "{\"actionContext\":{\"sku\":\"" + sku + "\",\"quantity\":" + quantity
                    + ",\"useTCCFence\":true}}";
            DefaultResourceManager resources = DefaultResourceManager.get();
            return commit ? resources.branchCommit(BranchType.TCC, xid, branchId, ACTION, applicationData)
                    : resources.branchRollback(BranchType.TCC, xid, branchId, ACTION, applicationData);
        }
    }
}
