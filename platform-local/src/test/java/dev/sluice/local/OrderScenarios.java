package dev.sluice.local;

import dev.sluice.test.process.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Order-flow scenarios and checks through the gateway, shared by the flow tests on H2 and on PostgreSQL. */
final class OrderScenarios {

    private final Api api;

    OrderScenarios(Api api) {
        this.api = api;
    }

    /** The first and second answer when one unit is stocked and two single-unit orders are placed. */
    record LastUnit(Api.Answer placed, Api.Answer refused) {
    }

    /**
     * Stocks one unit and places two orders: the first is confirmed, the second cancelled for want of stock, and
     * afterwards the unit is sold and nothing is pending.
     */
    LastUnit placeTheLastUnitTwice(String sku) {
        assertThat(api.stock(sku, 1).status()).isEqualTo(200);
        Api.Answer placed = api.order(key(), sku, 1);
        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.text("status")).isEqualTo("CONFIRMED");
        Api.Answer refused = api.order(key(), sku, 1);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text("reason")).isEqualTo("insufficient_stock");
        assertThat(refused.text("orderStatus")).isEqualTo("CANCELLED");
        assertItem(sku, 0, 0, 1);
        assertThat(api.stats(sku).body()).containsEntry("pending", 0).containsEntry("confirmed", 1)
                .containsEntry("cancelled", 1).containsEntry("confirmedQuantity", 1);
        return new LastUnit(placed, refused);
    }

    /**
     * What a rush ended with: how many answers of each status, and the stock samples, taken all along, that broke
     * an invariant (a negative quantity, or available + reserved + sold other than the stock).
     */
    record Rush(Map<Integer, Integer> statuses, List<String> violations, int samples, List<String> unexpected) {
    }

    /** {@code clients} concurrent clients place {@code orders} single-unit orders against a stock of {@code stock}. */
    Rush rush(String sku, long stock, int clients, int orders) throws Exception {
        api.stock(sku, stock);
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
                if (available < 0 || reserved < 0 || sold < 0 || available + reserved + sold != stock) {
                    violations.add(item.body().toString());
                }
            }
        });
        sampler.start();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        AtomicInteger next = new AtomicInteger();
        try {
            inParallel(clients, () -> {
                while (next.getAndIncrement() < orders) {
                    long began = System.currentTimeMillis();
                    Api.Answer answer = api.order(key(), sku, 1);
                    statuses.merge(answer.status(), 1, Integer::sum);
                    if (answer.status() != 201 && answer.status() != 409) {
                        // What a failure report needs: which component answered, what, and when.
                        unexpected.add(java.time.Instant.ofEpochMilli(began) + " +" + (System.currentTimeMillis() - began)
                                + " ms: " + answer.status() + " " + answer.raw().headers().map() + " " + answer.raw().body());
                    }
                }
                return null;
            });
        }
        finally {
            placing.set(false);
            sampler.join();
        }
        return new Rush(Map.copyOf(statuses), List.copyOf(violations), samples.get(), List.copyOf(unexpected));
    }

    /**
     * {@code clients} clients place single-unit orders of {@code sku} until {@code during} (a fault, say) has run.
     * Returns the status each order was answered with, by order id.
     */
    Map<String, Integer> placeWhile(String sku, int clients, Callable<?> during) throws Exception {
        return placeWhile(sku, clients, (status, at) -> { }, during);
    }

    /** Told of each answer as it arrives: its status, and {@link System#nanoTime()} then. */
    @FunctionalInterface
    interface Answers {

        void answered(int status, long atNanos);
    }

    /** {@link #placeWhile(String, int, Callable)}, telling {@code answers} of each answer as it arrives. */
    Map<String, Integer> placeWhile(String sku, int clients, Answers answers, Callable<?> during) throws Exception {
        Map<String, Integer> answered = new ConcurrentHashMap<>();
        AtomicBoolean placing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    while (placing.get()) {
                        Api.Answer answer = api.order(key(), sku, 1);
                        answers.answered(answer.status(), System.nanoTime());
                        String id = answer.text("id") != null ? answer.text("id") : answer.text("orderId");
                        if (id != null) {
                            answered.put(id, answer.status());
                        }
                    }
                    return null;
                }));
            }
            during.call();
        }
        finally {
            placing.set(false);
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
        }
        return answered;
    }

    /** Every order a client heard of exists and is terminal, and what the client was told holds. */
    void assertAnswersHeld(Map<String, Integer> answered) {
        answered.forEach((id, status) -> {
            Api.Answer order = api.get("/api/orders/" + id);
            assertThat(order.status()).as(id).isEqualTo(200);
            String state = order.text("status");
            if (status == 201) {
                assertThat(state).as(id).isEqualTo("CONFIRMED");
            }
            else if (status == 409) {
                assertThat(state).as(id).isEqualTo("CANCELLED");
            }
            else {
                assertThat(state).as(id).isIn("CONFIRMED", "CANCELLED");
            }
        });
    }

    /**
     * Waits until an order placed through the gateway is confirmed: the whole flow works, whatever a test before
     * stopped or killed (a component back up, its breakers closed again). Each attempt stocks and orders one unit.
     */
    void awaitAnOrderConfirmed(Duration within) {
        String sku = sku("probe");
        Await.until("an order through the gateway to be confirmed", within, () -> {
            api.stock(sku, 1);
            Api.Answer answer = api.order(key(), sku, 1);
            return answer.status() == 201 && "CONFIRMED".equals(answer.text("status"));
        });
    }

    /** No order of {@code sku} stays PENDING and no stock stays reserved. */
    void assertSettled(String sku, Duration within) {
        Await.until("every order of " + sku + " to settle", within, () -> api.stats(sku).number("pending") == 0);
        Await.until("no stock of " + sku + " to stay reserved", within, () -> api.item(sku).number("reserved") == 0);
    }

    void assertItem(String sku, long available, long reserved, long sold) {
        Api.Answer item = api.item(sku);
        assertThat(item.status()).isEqualTo(200);
        assertThat(item.body()).containsEntry("available", (int) available).containsEntry("reserved", (int) reserved)
                .containsEntry("sold", (int) sold);
    }

    static String sku(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String key() {
        return UUID.randomUUID().toString();
    }

    private static void inParallel(int clients, Callable<?> client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(client));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        }
        finally {
            pool.shutdownNow();
        }
    }
}
