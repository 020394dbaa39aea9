import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop load of POST /api/orders through the gateway: N clients, each sending its next order as soon as the
 * last one is answered, every order with its own Idempotency-Key. A warm-up phase is run and discarded first.
 *
 * java bench/OrderLoad.java URL SKU CONCURRENCY WARMUP_SECONDS MEASURE_SECONDS
 */
public class OrderLoad {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String sku = args[1];
        int concurrency = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int measure = Integer.parseInt(args[4]);

        System.out.printf("warm-up: %d s at concurrency %d%n", warmup, concurrency);
        run(url, sku, concurrency, warmup);
        System.out.printf("measuring: %d s at concurrency %d%n", measure, concurrency);
        Result result = run(url, sku, concurrency, measure);
        long[] sorted = Arrays.copyOf(result.latenciesMicros, result.count);
        Arrays.sort(sorted);
        System.out.printf("orders: %d in %d s = %.1f orders/s%n", result.count, measure, result.count / (double) measure);
        System.out.printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n", pct(sorted, 50), pct(sorted, 90),
                pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
        System.out.println("statuses: " + result.statuses);
    }

    record Result(long[] latenciesMicros, int count, Map<Integer, LongAdder> statuses) {
    }

    static Result run(String url, String sku, int concurrency, int seconds) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        byte[] body = ("{\"sku\":\"" + sku + "\",\"quantity\":1}").getBytes();
        long[] latencies = new long[10_000_000];
        AtomicInteger next = new AtomicInteger();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] clients = new Thread[concurrency];
        for (int c = 0; c < concurrency; c++) {
            clients[c] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/orders"))
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", UUID.randomUUID().toString())
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                    long began = System.nanoTime();
                    int status;
                    try {
                        status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    }
                    catch (Exception e) {
                        status = -1;
                    }
                    long took = (System.nanoTime() - began) / 1000;
                    if (System.nanoTime() <= end) {
                        int i = next.getAndIncrement();
                        if (i < latencies.length) {
                            latencies[i] = took;
                        }
                        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    }
                }
            });
            clients[c].start();
        }
        for (Thread t : clients) {
            t.join();
        }
        return new Result(latencies, Math.min(next.get(), latencies.length), new HashMap<>(statuses));
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1000.0;
    }
}
