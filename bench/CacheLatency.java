import dev.sluice.starter.cache.RedisCacheAutoConfiguration;
import dev.sluice.test.postgres.PostgresServer;
import dev.sluice.test.redis.RedisCluster;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a cache hit costs against the call it saves: an item read by primary key from PostgreSQL over JDBC (a real
 * server on loopback, one connection, a prepared statement) against the same read served by the starter's cache on
 * a real six-node Redis Cluster ({@code @Cacheable(sync = true)}, JSON values). One caller thread, rounds
 * interleaved, 1,000 items read in turn.
 *   java -cp CP bench/CacheLatency.java [rounds=5] [reads per round and target=20000]
 */
public class CacheLatency {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int reads = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path folder = Files.createTempDirectory("sluice-bench-postgres");
        try (RedisCluster cluster = RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)).start();
             PostgresServer postgres = PostgresServer.builder().port(dev.sluice.test.process.Ports.free())
                     .folder(folder).logDir(folder).start()) {
            postgres.database("bench", "bench", "bench");
            try (Connection db = postgres.connect("bench")) {
                db.createStatement().execute("CREATE TABLE item (sku VARCHAR(64) PRIMARY KEY, available BIGINT, "
                        + "reserved BIGINT, sold BIGINT)");
                try (PreparedStatement insert = db.prepareStatement("INSERT INTO item VALUES (?, ?, 0, 0)")) {
                    for (int i = 0; i < 1000; i++) {
                        insert.setString(1, "sku-" + i);
                        insert.setLong(2, i);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                Items.db = db;
                ConfigurableApplicationContext app = new SpringApplicationBuilder(Bench.class)
                        .resourceLoader(new DefaultResourceLoader(CacheLatency.class.getClassLoader()))
                        .web(WebApplicationType.NONE)
                        .run("--spring.application.name=bench", "--logging.level.root=WARN",
                                "--spring.data.redis.cluster.nodes=" + cluster.nodeAddresses());
                try {
                    Items items = app.getBean(Items.class);
                    for (int i = 0; i < 1000; i++) {
                        items.cached("sku-" + i); // every read below is a hit
                    }
                    run(items, 2, reads); // warm-up
                    List<long[]> results = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        results.add(run(items, 1, reads));
                    }
                    System.out.println("| read | p50 (median of rounds) | p99 (median of rounds) | p50 vs PostgreSQL |"
                            + " rounds (p50 µs) |");
                    System.out.println("| --- | --- | --- | --- | --- |");
                    double dbP50 = median(results, 0);
                    row("PostgreSQL by primary key (uncached)", results, 0, 1, dbP50);
                    row("cache hit (Redis Cluster, JSON)", results, 2, 3, dbP50);
                }
                finally {
                    app.close();
                }
            }
        }
    }

    /** One round: {@code reads} uncached reads, then as many cache hits; returns p50 and p99 of each, in ns. */
    static long[] run(Items items, int repeat, int reads) throws Exception {
        long[] uncached = new long[reads];
        long[] hits = new long[reads];
        for (int r = 0; r < repeat; r++) {
            for (int i = 0; i < reads; i++) {
                long began = System.nanoTime();
                items.uncached("sku-" + (i % 1000));
                uncached[i] = System.nanoTime() - began;
            }
            for (int i = 0; i < reads; i++) {
                long began = System.nanoTime();
                items.cached("sku-" + (i % 1000));
                hits[i] = System.nanoTime() - began;
            }
        }
        Arrays.sort(uncached);
        Arrays.sort(hits);
        return new long[] {uncached[reads / 2], uncached[(int) (reads * 0.99)], hits[reads / 2], hits[(int) (reads * 0.99)]};
    }

    static double median(List<long[]> results, int column) {
        long[] values = results.stream().mapToLong(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    static void row(String what, List<long[]> results, int p50, int p99, double baseline) {
        double median50 = median(results, p50);
        System.out.printf("| %s | %.0f µs | %.0f µs | %.2f× | %s |%n", what, median50 / 1e3, median(results, p99) / 1e3,
                median50 / baseline, String.join(", ", results.stream().map(r -> String.format("%.0f", r[p50] / 1e3)).toList()));
    }

    @EnableCaching
    @ImportAutoConfiguration({RedisCacheAutoConfiguration.class,
            org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration.class,
            org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration.class})
    @org.springframework.context.annotation.Import(Items.class)
    static class Bench {
    }

    /** The same read, cached and not: a row of PostgreSQL as a map (a java.util type the cache may read back). */
    public static class Items {
        static Connection db;

        @Cacheable(cacheNames = "items", sync = true)
        public Map<String, Object> cached(String sku) throws SQLException {
            return uncached(sku);
        }

        public synchronized Map<String, Object> uncached(String sku) throws SQLException {
            try (PreparedStatement select = db.prepareStatement(
                    "SELECT sku, available, reserved, sold FROM item WHERE sku = ?")) {
                select.setString(1, sku);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("sku", row.getString(1));
                    item.put("available", row.getLong(2));
                    item.put("reserved", row.getLong(3));
                    item.put("sold", row.getLong(4));
                    return item;
                }
            }
        }
    }
}
