package dev.sluice.sample.order.order;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

@Repository
public class OrderRepository {

    private final JdbcClient jdbc;

    public OrderRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insertPending(String id, String sku, long quantity) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("INSERT INTO orders (id, sku, quantity, status, created_at, updated_at) VALUES (?, ?, ?, 'PENDING', ?, ?)")
                .params(id, sku, quantity, now, now).update();
    }

    /** Moves a PENDING order to {@code to}; true if it is now in {@code to}. Terminal states never change. */
    public boolean settle(String id, OrderStatus to) {
        jdbc.sql("UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = 'PENDING'")
                .params(to.name(), Timestamp.from(Instant.now()), id).update();
        return find(id).map(o -> o.status() == to).orElse(false);
    }

    /**
     * Records why an order was rejected. An order whose try never ran (the TC was unreachable at begin) has no row
     * yet: it is written CANCELLED, so every order id a client was told about can be read back.
     */
    @Transactional
    public void recordRejection(String id, String sku, long quantity, String reason) {
        if (jdbc.sql("UPDATE orders SET reason = ? WHERE id = ?").params(reason, id).update() == 0) {
            Timestamp now = Timestamp.from(Instant.now());
            jdbc.sql("INSERT INTO orders (id, sku, quantity, status, reason, created_at, updated_at) "
                    + "VALUES (?, ?, ?, 'CANCELLED', ?, ?, ?)").params(id, sku, quantity, reason, now, now).update();
        }
    }

    public Optional<Order> find(String id) {
        return jdbc.sql("SELECT id, sku, quantity, status, reason FROM orders WHERE id = ?").param(id)
                .query(Order.class).optional();
    }

    /** Orders still PENDING that were created before {@code before}, oldest first, at most {@code limit}. */
    public java.util.List<String> pendingSince(Instant before, int limit) {
        return jdbc.sql("SELECT id FROM orders WHERE status = 'PENDING' AND created_at < ? ORDER BY created_at LIMIT ?")
                .params(Timestamp.from(before), limit).query(String.class).list();
    }

    /** Per status: how many orders of {@code sku}, and how many units they hold. */
    public OrderStats stats(String sku) {
        Map<String, long[]> byStatus = new java.util.HashMap<>();
        jdbc.sql("SELECT status, COUNT(*) AS n, COALESCE(SUM(quantity), 0) AS q FROM orders WHERE sku = ? GROUP BY status")
                .param(sku).query(rs -> {
                    byStatus.put(rs.getString("status"), new long[] {rs.getLong("n"), rs.getLong("q")});
                });
        long[] none = {0, 0};
        return new OrderStats(byStatus.getOrDefault("PENDING", none)[0], byStatus.getOrDefault("CONFIRMED", none)[0],
                byStatus.getOrDefault("CANCELLED", none)[0], byStatus.getOrDefault("CONFIRMED", none)[1]);
    }
}
