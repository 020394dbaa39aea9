package dev.sluice.local;

import dev.sluice.test.http.RawHttp;
import dev.sluice.test.process.Await;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample services on the whole local stack. Their state in the Redis Cluster: the inventory caches item reads there
 * and every stock change evicts them; the order service's singleton sweeper reports orders left PENDING past the
 * transaction timeout. And their answers to hostile and malformed requests, direct and through the gateway.
 */
class SampleServicesTest {

    static LocalStack stack;


    @RegisterExtension

    static final StackLogsOnFailure STACK_LOGS = new StackLogsOnFailure(() -> stack);
    static Api api;
    static RedisClusterClient redisClient;
    static StatefulRedisClusterConnection<String, String> redis;

    @BeforeAll
    static void startStack() {
        stack = TestStacks.start("sample-services");
        api = new Api(stack.config().gatewayPort());
        String nodes = ((RedisClusterComponent) stack.component("redis-cluster")).nodes();
        redisClient = RedisClusterClient.create(Arrays.stream(nodes.split(","))
                .map(address -> RedisURI.create("redis://" + address)).toList());
        redis = redisClient.connect();
    }

    @AfterAll
    static void stopStack() {
        if (redis != null) {
            redis.close();
            redisClient.shutdown();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void itemReadsAreCachedInTheRedisClusterAndEveryStockChangeEvictsThem() {
        String sku = "cached-" + UUID.randomUUID().toString().substring(0, 8);
        String key = "sluice:cache:sample-inventory-service:items:" + sku;
        assertThat(api.stock(sku, 5).status()).isEqualTo(200);
        assertThat(redis.sync().exists(key)).isZero();

        assertThat(api.item(sku).number("available")).isEqualTo(5);
        // Written by the read that missed (a write Redis does not take within the cache's budget is skipped).
        Await.until("the read to be cached", Duration.ofSeconds(5), () -> {
            api.item(sku);
            return redis.sync().exists(key) == 1;
        });
        assertThat(redis.sync().get(key)).contains("\"sku\":\"" + sku + "\"", "\"available\":5");
        assertThat(redis.sync().pttl(key)).isBetween(1L, 30_000L);

        // An order reserves (try) and sells (confirm): each evicts, so the next read is the database's.
        Api.Answer placed = api.order(UUID.randomUUID().toString(), sku, 2);
        assertThat(placed.status()).isEqualTo(201);
        Api.Answer after = api.item(sku);
        assertThat(after.number("available")).isEqualTo(3);
        assertThat(after.number("sold")).isEqualTo(2);
        assertThat(redis.sync().get(key)).contains("\"available\":3", "\"sold\":2");

        assertThat(api.stock(sku, 10).status()).isEqualTo(200);
        assertThat(api.item(sku).number("available")).isEqualTo(10);
    }

    @Test
    void theSweeperReportsAnOrderLeftPendingPastTheTransactionTimeout() throws Exception {
        String id = UUID.randomUUID().toString();
        String url = "jdbc:h2:tcp://127.0.0.1:" + stack.config().h2Port() + "/orders";
        try (Connection db = DriverManager.getConnection(url, "sa", "");
             PreparedStatement insert = db.prepareStatement("INSERT INTO orders (id, sku, quantity, status, created_at, "
                     + "updated_at) VALUES (?, 'sweep-test', 1, 'PENDING', ?, ?)")) {
            Timestamp longAgo = Timestamp.from(Instant.now().minus(Duration.ofMinutes(10)));
            insert.setString(1, id);
            insert.setTimestamp(2, longAgo);
            insert.setTimestamp(3, longAgo);
            insert.executeUpdate();
        }
        Path log = Path.of(stack.component("sample-order-service").log());
        // The sweep runs every 10 s on the instance that holds its lock.
        Await.until("the sweeper to report " + id, Duration.ofSeconds(30),
                () -> read(log).contains("PENDING for more than 60 s: [" + id));
        try (Connection db = DriverManager.getConnection(url, "sa", "");
             PreparedStatement delete = db.prepareStatement("DELETE FROM orders WHERE id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        }
        assertThat(read(log)).contains("This instance now runs singleton job pending-order-sweeper");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        }
        catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * The requests a careless or hostile client sends, written as raw bytes. Marks: {@code KEY} becomes a fresh
     * Idempotency-Key header, {@code LONG(n)} n characters, {@code HUGE} a 20 KB header, and a {@code |} separates
     * the body. The long request lines and the huge header are refused by the HTTP layer before any Sluice code runs:
     * by Tomcat in a service, by Netty at the gateway.
     */
    private static final List<String> HOSTILE = List.of(
            "GET /api/orders/not-a-uuid",
            "GET /api/orders/%00",
            "GET /api/orders/a%2Fb",
            "GET /api/orders/stats",
            "GET /api/orders/stats?sku=bad%20sku",
            "GET /api/orders/stats?sku=LONG(300)",
            "GET /api/orders/stats?sku=LONG(5000)",
            "GET /api/orders/stats?sku=LONG(9000)",
            "DELETE /api/orders/00000000-0000-0000-0000-000000000000",
            "POST /api/orders KEY json|{\"sku\": \"sku-1\", \"quantity\": \"many\"}",
            "POST /api/orders KEY json|{\"sku\": \"sku-1\", \"quantity\": 1e400}",
            "POST /api/orders KEY json|{\"sku\": \"sku-1\", \"quantity\": 99999999999999999999}",
            "POST /api/orders KEY json|{\"sku\": \"sku-1\", \"quantity\": -5}",
            "POST /api/orders KEY json|{\"sku\": \"'; DROP TABLE orders;--\", \"quantity\": 1}",
            "POST /api/orders KEY json|[1, 2]",
            "POST /api/orders KEY json|{\"sku\":",
            "POST /api/orders json|{\"sku\": \"sku-1\", \"quantity\": 1}",
            "POST /api/orders KEY text|sku=sku-1",
            "GET /api/inventory/items/bad%20sku",
            "GET /api/inventory/items/LONG(300)",
            "GET /api/inventory/items/a%00b",
            "GET /api/inventory/items/sku-1?padding=LONG(9000)",
            "PUT /api/inventory/items/'%3B%20DROP%20TABLE%20item%3B-- json|{\"available\": 1}",
            "PUT /api/inventory/items/sku-1 json|{\"available\": \"many\"}",
            "PUT /api/inventory/items/sku-1 json|{\"available\": -1}",
            "PUT /api/inventory/items/sku-1 json|{}",
            "PUT /api/inventory/items/sku-1 json|{\"available\": 1",
            "PUT /api/inventory/items/sku-1 HUGE json|{\"available\": 1}",
            "POST /api/inventory/reservations KEY json|{}",
            "POST /api/inventory/reservations json|{\"sku\": \"sku-1\"}");

    @Test
    void noMalformedRequestGetsA5xxAndEvery4xxIsAProblemDirectOrThroughTheGateway() throws Exception {
        List<String> wrong = new ArrayList<>();
        int sent = 0;
        for (String hostile : HOSTILE) {
            int service = hostile.contains("/api/orders") ? stack.config().portOf("sample-order-service") : stack.config().portOf("sample-inventory-service");
            for (int port : List.of(stack.config().gatewayPort(), service)) {
                RawHttp.Answer answer = send(port, hostile);
                sent++;
                boolean problem = answer.contentType().startsWith("application/problem+json")
                        && answer.body().contains("\"status\":" + answer.status());
                if (answer.status() < 400 || answer.status() >= 500 || !problem
                        || answer.body().contains("Exception") || answer.body().contains("<html")) {
                    wrong.add((port == service ? "direct " : "gateway ") + hostile.substring(0, Math.min(90,
                            hostile.length())) + " -> " + answer.status() + " " + answer.contentType() + " "
                            + answer.body().substring(0, Math.min(200, answer.body().length())));
                }
            }
        }
        System.out.printf("%d hostile requests, %d answered wrongly%n", sent, wrong.size());
        assertThat(wrong).as("requests not answered with a 4xx problem").isEmpty();
    }

    private static RawHttp.Answer send(int port, String hostile) throws Exception {
        String[] split = hostile.split("\\|", 2);
        String[] words = split[0].trim().split(" ");
        List<String> headers = new ArrayList<>();
        for (int i = 2; i < words.length; i++) {
            switch (words[i]) {
                case "KEY" -> headers.add("Idempotency-Key: " + UUID.randomUUID());
                case "json" -> headers.add("Content-Type: application/json");
                case "text" -> headers.add("Content-Type: text/plain");
                case "HUGE" -> headers.add("X-Padding: " + "p".repeat(20_000));
                default -> throw new IllegalArgumentException(words[i]);
            }
        }
        String target = java.util.regex.Pattern.compile("LONG\\((\\d+)\\)").matcher(words[1])
                .replaceAll(m -> "x".repeat(Integer.parseInt(m.group(1))));
        return RawHttp.send(port, words[0] + " " + target + " HTTP/1.1", headers, split.length > 1 ? split[1] : null);
    }
}
