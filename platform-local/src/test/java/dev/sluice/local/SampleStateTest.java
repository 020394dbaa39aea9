package dev.sluice.local;

import dev.sluice.test.process.Await;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The samples' state in the Redis Cluster, on the whole local stack: the inventory caches item reads there and
 * every stock change evicts them; the order service's singleton sweeper reports orders left PENDING past the
 * transaction timeout.
 */
class SampleStateTest {

    static LocalStack stack;
    static Api api;
    static RedisClusterClient redisClient;
    static StatefulRedisClusterConnection<String, String> redis;

    @BeforeAll
    static void startStack() {
        stack = TestStacks.start("sample-state");
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
}
