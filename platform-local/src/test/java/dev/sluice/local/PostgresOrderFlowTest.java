package dev.sluice.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static dev.sluice.local.OrderScenarios.sku;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order flow with both services on their {@code postgres} profile ({@code --database=postgres}): a real
 * PostgreSQL server, the schemas and the TCC fence log migrated there by Flyway. {@link OrderFlowTest} covers the
 * flow in depth on the default H2; this shows the PostgreSQL profile holds the same invariants, under concurrency
 * and across a crash.
 */
class PostgresOrderFlowTest {

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension("postgres-order-flow-test", "--database=postgres")
            .eachTestOnceAnOrderGoesThrough();

    @Test
    void anOrderWithStockIsConfirmedAndOneWithoutIsCancelled() throws Exception {
        String sku = sku("happy");
        STACK.scenarios().placeTheLastUnitTwice(sku);

        // The rows really are in PostgreSQL, and so is each branch's fence record.
        assertThat(count("orders", "SELECT count(*) FROM orders WHERE sku = '" + sku + "'")).isEqualTo(2);
        assertThat(count("inventory", "SELECT sold FROM item WHERE sku = '" + sku + "'")).isEqualTo(1);
        assertThat(count("orders", "SELECT count(*) FROM tcc_fence_log")).isPositive();
        assertThat(count("inventory", "SELECT count(*) FROM tcc_fence_log")).isPositive();
    }

    @Test
    void sixteenClientsNeverOversell() throws Exception {
        String sku = sku("rush");
        OrderScenarios.Rush rush = STACK.scenarios().rush(sku, 40, 16, 160);

        assertThat(rush.violations()).as("stock samples breaking an invariant").isEmpty();
        assertThat(rush.samples()).isGreaterThan(10);
        assertThat(rush.statuses()).as("answers other than 201 and 409: %s", rush.unexpected())
                .containsEntry(201, 40).containsEntry(409, 120);
        STACK.scenarios().assertItem(sku, 0, 0, 40);
        assertThat(STACK.api().stats(sku).body()).containsEntry("confirmed", 40).containsEntry("cancelled", 120)
                .containsEntry("pending", 0).containsEntry("confirmedQuantity", 40);
    }

    @Test
    void anInventoryKilledUnderLoadLeavesEveryOrderTerminalAndTheStockConsistent() throws Exception {
        String sku = sku("crash");
        STACK.api().stock(sku, 1_000);
        Component inventory = STACK.stack().component("sample-inventory-service");
        Map<String, Integer> answered = STACK.scenarios().placeWhile(sku, 8, () -> {
            Thread.sleep(2_000);
            inventory.kill(); // SIGKILL: some tries are in PostgreSQL, their confirms not yet
            Thread.sleep(1_000);
            inventory.start();
            Thread.sleep(2_000);
            return null;
        });

        assertThat(answered.values()).contains(201, 409);
        STACK.scenarios().assertSettled(sku, Duration.ofSeconds(120));
        Api.Answer item = STACK.api().item(sku);
        assertThat(item.number("available") + item.number("sold")).isEqualTo(1_000);
        assertThat(item.number("sold")).isEqualTo(STACK.api().stats(sku).number("confirmedQuantity"));
        STACK.scenarios().assertAnswersHeld(answered);
    }

    private static long count(String database, String query) throws Exception {
        PostgresComponent postgres = (PostgresComponent) STACK.stack().component("postgres");
        try (Connection c = postgres.server().connect(database); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }
}
