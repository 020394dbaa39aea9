package dev.sluice.deploy.compose;

import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.sluice.deploy.compose.LoopbackHttp.JSON;
import static dev.sluice.deploy.compose.LoopbackHttp.get;
import static dev.sluice.deploy.compose.LoopbackHttp.json;
import static dev.sluice.deploy.compose.LoopbackHttp.placeOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Orders placed by a few clients in closed loops while a fault is injected, and what must hold of them afterwards:
 * every acknowledged order confirmed, no unit oversold or left reserved.
 */
final class OrderTraffic {

    /**
     * The answers an order may get while a part fails: placed (201, or 202 still settling), refused with a reason (409
     * cancelled, 429 limited, 503 paused or unavailable, nothing done), or 504 when the gateway's timeout cut off an
     * order it cannot say the fate of. Never a 500, never silence.
     */
    static final Set<Integer> ANSWERS_UNDER_FAULT = Set.of(201, 202, 409, 429, 503, 504);

    /** One order as a client saw it: when it was sent and answered (ns from the start of the load), and the answer. */
    record Attempt(long at, long answeredAt, int status, String body) {
    }

    /** The attempts, and when the fault was injected (ns from the start of the load). */
    record Run(List<Attempt> attempts, long faultAt) {

        List<Attempt> sentFrom(Duration afterFault) {
            return attempts.stream().filter(a -> a.at() > faultAt + afterFault.toNanos()).toList();
        }

        List<Attempt> answeredBeforeFault() {
            return attempts.stream().filter(a -> a.answeredAt() < faultAt).toList();
        }

        /** Per second relative to the fault, the statuses of the orders sent in it: where the fault shows. */
        String timeline() {
            Map<Long, List<Attempt>> bySecond = new TreeMap<>();
            attempts.forEach(a -> bySecond.computeIfAbsent(Math.floorDiv(a.at() - faultAt, TimeUnit.SECONDS.toNanos(1)),
                    k -> new ArrayList<>()).add(a));
            Map<Long, Map<String, Long>> counts = new TreeMap<>();
            bySecond.forEach((second, sent) -> counts.put(second, statusCounts(sent)));
            return counts.toString();
        }

        Map<String, Long> statusCounts() {
            return statusCounts(attempts);
        }

        private static Map<String, Long> statusCounts(List<Attempt> attempts) {
            Map<String, Long> counts = new TreeMap<>();
            attempts.forEach(a -> counts.merge(Integer.toString(a.status()), 1L, Long::sum));
            return counts;
        }
    }

    private OrderTraffic() {
    }

    /** A fresh SKU named {@code prefix}-uuid, stocked with {@code units} through {@code gateway}. */
    static String stockedItem(int gateway, String prefix, int units) {
        String sku = prefix + "-" + java.util.UUID.randomUUID();
        assertThat(LoopbackHttp.put(gateway, "/api/inventory/items/" + sku, "{\"available\": " + units + "}")
                .statusCode()).isEqualTo(200);
        return sku;
    }

    /**
     * Waits until an order through {@code gateway} is placed (on an item of its own). The first orders on a fresh
     * stack take seconds (connections, class loading, the JIT on two cores); a fault injected while they are in
     * flight leaves them waiting out Seata's timeouts, and CI once saw every order sent before a TC leader's kill
     * answered only after it. A fault test starts from a stack that has placed an order.
     */
    static void awaitAnOrderPlaced(int gateway) {
        String sku = stockedItem(gateway, "warm-up", 1_000);
        LoopbackHttp.awaitStatus(201, Duration.ofSeconds(90), () -> LoopbackHttp.placeOrder(gateway, sku, 1));
    }

    /**
     * One client per gateway port in {@code clients} orders {@code sku} one unit at a time; after {@code before},
     * {@code fault} runs, and the load goes on for {@code after}.
     */
    static Run underFault(List<Integer> clients, String sku, Duration before, Runnable fault, Duration after)
            throws InterruptedException {
        List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
            int gateway = clients.get(c);
            Thread client = new Thread(() -> {
                while (running.get()) {
                    long began = System.nanoTime();
                    HttpResponse<String> answer = placeOrder(gateway, sku, 1);
                    attempts.add(new Attempt(began - start, System.nanoTime() - start, answer.statusCode(),
                            answer.body()));
                }
            }, "orders-" + c);
            client.start();
            threads.add(client);
        }
        long faultAt;
        try {
            Thread.sleep(before.toMillis());
            faultAt = System.nanoTime() - start;
            fault.run();
            Thread.sleep(after.toMillis());
        }
        finally {
            running.set(false);
            for (Thread client : threads) {
                client.join(60_000);
            }
        }
        return new Run(List.copyOf(attempts), faultAt);
    }

    /**
     * Waits for every order a client was told of to settle and for no unit to stay reserved, then checks that each
     * ended as its answer said (a 201 CONFIRMED, a 409 naming an order CANCELLED), that both services agree (the
     * inventory's sold units are the order service's confirmed quantity), and that the units add up. An answer that
     * names no order (a 503, a 504, a dropped connection) says nothing of its order's fate: each may have ended
     * either way, so sold lies between the confirmed orders the clients know of and those plus the unknown ones.
     *
     * @return how many orders sold, by the inventory's count
     */
    static int assertSettledAndConsistent(int gateway, String sku, int stock, List<Attempt> attempts) {
        int confirmed = 0;
        List<String> unknown = new ArrayList<>();
        for (Attempt attempt : attempts) {
            JsonNode body = attempt.body().startsWith("{") ? JSON.readTree(attempt.body()) : JSON.createObjectNode();
            String id = attempt.status() == 409 ? body.path("orderId").asString("") : body.path("id").asString("");
            if (id.isEmpty()) {
                if (attempt.status() != 409) {
                    unknown.add(attempt.status() + " " + attempt.body());
                }
                continue;
            }
            String status = awaitSettled(gateway, id);
            if (attempt.status() == 201) {
                assertThat(status).as("order " + id + ", acknowledged 201").isEqualTo("CONFIRMED");
            }
            if (attempt.status() == 409) {
                assertThat(status).as("order " + id + ", refused 409").isEqualTo("CANCELLED");
            }
            confirmed += "CONFIRMED".equals(status) ? 1 : 0;
        }
        // A coordinator that died between an order's two confirms leaves the other branch's confirm to the TC's
        // retry, which can come after the order itself reads CONFIRMED (40 s at most: retry-dead-threshold).
        LoopbackHttp.awaitTrue("no unit of " + sku + " left reserved", Duration.ofSeconds(120),
                () -> json(get(gateway, "/api/inventory/items/" + sku)).path("reserved").asInt() == 0);
        JsonNode item = json(get(gateway, "/api/inventory/items/" + sku));
        JsonNode stats = json(get(gateway, "/api/orders/stats?sku=" + sku));
        int sold = item.path("sold").asInt();
        if (!unknown.isEmpty()) {
            System.out.printf("%d answers named no order: %s%n", unknown.size(), unknown);
        }
        assertThat(sold).as("units sold against the order service's confirmed quantity")
                .isEqualTo(stats.path("confirmedQuantity").asInt());
        assertThat(sold).as("units sold, with %d confirmed orders known and %d answers naming no order: %s",
                confirmed, unknown.size(), unknown).isBetween(confirmed, confirmed + unknown.size());
        assertThat(item.path("available").asInt()).isEqualTo(stock - sold);
        return sold;
    }

    private static String awaitSettled(int gateway, String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String status = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> order = get(gateway, "/api/orders/" + id);
            status = order.statusCode() == 200 ? json(order).path("status").asString() : "HTTP " + order.statusCode();
            if (status.equals("CONFIRMED") || status.equals("CANCELLED")) {
                return status;
            }
            ComposeProject.sleep(Duration.ofMillis(500));
        }
        return status;
    }
}
