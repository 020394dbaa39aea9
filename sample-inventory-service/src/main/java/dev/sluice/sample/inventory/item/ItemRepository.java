package dev.sluice.sample.inventory.item;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import java.util.Optional;

/**
 * Stock moves between columns in single guarded UPDATEs: the WHERE clause and the CHECK constraints make a quantity
 * going negative impossible, however many requests race.
 */
@Repository
public class ItemRepository {

    static final String ITEMS = "items";

    private final JdbcClient jdbc;

    public ItemRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Cached in the Redis Cluster for every instance; each method below that changes an item evicts it. */
    @Cacheable(cacheNames = ITEMS, key = "#sku", sync = true)
    public Optional<Item> find(String sku) {
        return jdbc.sql("SELECT sku, available, reserved, sold FROM item WHERE sku = ?").param(sku)
                .query(Item.class).optional();
    }

    /** Sets the units available to order; reserved and sold units are untouched. */
    @Transactional
    @CacheEvict(cacheNames = ITEMS, key = "#sku")
    public Item setAvailable(String sku, long available) {
        int updated = jdbc.sql("UPDATE item SET available = ? WHERE sku = ?").params(available, sku).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO item (sku, available) VALUES (?, ?)").params(sku, available).update();
        }
        return find(sku).orElseThrow();
    }

    /** available → reserved; false, changing nothing, if fewer than {@code quantity} are available. */
    @CacheEvict(cacheNames = ITEMS, key = "#sku")
    public boolean reserve(String sku, long quantity) {
        return jdbc.sql("UPDATE item SET available = available - ?, reserved = reserved + ? WHERE sku = ? AND available >= ?")
                .params(quantity, quantity, sku, quantity).update() == 1;
    }

    /** reserved → sold. */
    @CacheEvict(cacheNames = ITEMS, key = "#sku")
    public boolean confirm(String sku, long quantity) {
        return jdbc.sql("UPDATE item SET reserved = reserved - ?, sold = sold + ? WHERE sku = ? AND reserved >= ?")
                .params(quantity, quantity, sku, quantity).update() == 1;
    }

    /** reserved → available. */
    @CacheEvict(cacheNames = ITEMS, key = "#sku")
    public boolean release(String sku, long quantity) {
        return jdbc.sql("UPDATE item SET reserved = reserved - ?, available = available + ? WHERE sku = ? AND reserved >= ?")
                .params(quantity, quantity, sku, quantity).update() == 1;
    }
}
