package dev.sluice.deploy.compose;

import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
            Map<Long, Map<String, Long>> bySecond = new TreeMap<>();
            for (Attempt a : attempts) {
                long second = Math.floorDiv(a.at() - faultAt, TimeUnit.SECONDS.toNanos(1));
                bySecond.computeIfAbsent(second, k -> new TreeMap<>())
                        .merge(Integer.toString(a.status()), 1L, Long::sum);
            }
            return bySecond.toString();
        }

        Map<String, Long> statusCounts() {
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
     * Waits for every accepted order to settle and for no unit to stay reserved, then checks: each one acknowledged
     * 201 is CONFIRMED, and the item's units add up (sold is what confirmed orders bought, the rest is available).
     *
     * @return how many orders were confirmed
     */
    static int assertSettledAndConsistent(int gateway, String sku, int stock, List<Attempt> attempts) {
        int confirmed = 0;
        for (Attempt attempt : attempts) {
            if (attempt.status() == 201 || attempt.status() == 202) {
                String id = JSON.readTree(attempt.body()).path("id").asString();
                String status = awaitSettled(gateway, id);
                if (attempt.status() == 201) {
                    assertThat(status).as("order " + id + ", acknowledged 201").isEqualTo("CONFIRMED");
                }
                confirmed += "CONFIRMED".equals(status) ? 1 : 0;
            }
        }
        // A coordinator that died between an order's two confirms leaves the other branch's confirm to the TC's
        // retry, which can come after the order itself reads CONFIRMED (40 s at most: retry-dead-threshold).
        LoopbackHttp.awaitTrue("no unit of " + sku + " left reserved", Duration.ofSeconds(120),
                () -> json(get(gateway, "/api/inventory/items/" + sku)).path("reserved").asInt() == 0);
        JsonNode item = json(get(gateway, "/api/inventory/items/" + sku));
        JsonNode stats = json(get(gateway, "/api/orders/stats?sku=" + sku));
        assertThat(item.path("sold").asInt()).isEqualTo(stats.path("confirmedQuantity").asInt()).isEqualTo(confirmed);
        assertThat(item.path("reserved").asInt()).isZero();
        assertThat(item.path("available").asInt()).isEqualTo(stock - confirmed);
        return confirmed;
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
