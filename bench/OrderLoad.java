import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Closed-loop load of POST /api/orders through the gateway: N clients, each sending its next order as soon as the
 * last one is answered, every order with its own Idempotency-Key. A warm-up phase is run and discarded first, then
 * ROUNDS measured rounds, each printed, then their medians.
 * <p>
 * With METRICS_URL (the order service's actuator, e.g. http://127.0.0.1:8101/actuator/metrics, exposed for the run),
 * each round also reads the service's own timers before and after: the committed global transactions
 * ({@code sluice.tcc.global.transactions}) and its round trips to the TC ({@code sluice.tcc.coordinator.calls}:
 * begin, and commit with the TC's two confirms inside it).
 *
 * java bench/OrderLoad.java URL SKU CONCURRENCY WARMUP_SECONDS MEASURE_SECONDS [ROUNDS] [METRICS_URL]
 */
public class OrderLoad {

    static final HttpClient METRICS = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String sku = args[1];
        int concurrency = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int measure = Integer.parseInt(args[4]);
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        String metrics = args.length > 6 ? args[6] : null;

        System.out.printf("warm-up: %d s at concurrency %d%n", warmup, concurrency);
        run(url, sku, concurrency, warmup);
        List<double[]> figures = new ArrayList<>();
        Processes processes = Processes.fromEnvironment();
        List<Map<String, Double>> cpuPerOrder = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("round %d: measuring %d s at concurrency %d%n", round, measure, concurrency);
            Timers before = metrics == null ? null : Timers.read(metrics);
            Map<String, Long> cpuBefore = processes.cpuTicks();
            Result result = run(url, sku, concurrency, measure);
            Map<String, Double> cpu = processes.millisPerOrder(cpuBefore, processes.cpuTicks(), result.count);
            Timers spent = metrics == null ? null : Timers.read(metrics).minus(before);
            long[] sorted = Arrays.copyOf(result.latenciesMicros, result.count);
            Arrays.sort(sorted);
            double mean = Arrays.stream(sorted).average().orElse(0) / 1000.0;
            double[] f = {result.count / (double) measure, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0, mean, -1, -1, -1, -1};
            System.out.printf("  orders: %d in %d s = %.1f orders/s%n", result.count, measure, f[0]);
            System.out.printf("  latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f%n", f[1], f[2], f[3], f[4], f[5]);
            System.out.println("  statuses: " + result.statuses);
            if (spent != null) {
                f[6] = spent.mean("begin");
                f[7] = spent.mean("commit");
                f[8] = spent.mean("tx");
                f[9] = 100 * (f[6] + f[7]) / mean;
                System.out.printf("  per committed order, at the order service: global transaction %.1f ms, of which "
                        + "begin %.1f ms and commit (with both confirms) %.1f ms: %.0f%% of the mean answer time%n",
                        f[8], f[6], f[7], f[9]);
            }
            if (!cpu.isEmpty()) {
                System.out.println("  CPU per order, ms: " + Processes.format(cpu));
                cpuPerOrder.add(cpu);
            }
            figures.add(f);
        }
        if (rounds > 1) {
            System.out.printf("medians of %d rounds: %.1f orders/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    rounds, median(figures, 0), median(figures, 1), median(figures, 2), median(figures, 3), median(figures, 4));
            if (metrics != null) {
                System.out.printf("medians: global transaction %.1f ms, begin %.1f ms, commit %.1f ms, "
                        + "begin + commit %.0f%% of the mean answer time%n",
                        median(figures, 8), median(figures, 6), median(figures, 7), median(figures, 9));
            }
            if (!cpuPerOrder.isEmpty()) {
                Map<String, Double> medians = new java.util.LinkedHashMap<>();
                cpuPerOrder.get(0).keySet().forEach(name -> medians.put(name, median(cpuPerOrder.stream()
                        .map(round -> new double[] {round.get(name)}).toList(), 0)));
                System.out.println("medians: CPU per order, ms: " + Processes.format(medians));
            }
        }
    }

    /**
     * The stack's processes by component, from PROCS ({@code name=pid,pid;name=pid;...}, which bench/orders.sh
     * builds from the launcher's table), and this load generator. Their CPU time comes from /proc/PID/stat (user +
     * system, in clock ticks of CLK_TCK per second), read before and after each round.
     */
    record Processes(Map<String, List<Long>> byName, long ticksPerSecond) {

        static Processes fromEnvironment() {
            Map<String, List<Long>> byName = new java.util.LinkedHashMap<>();
            String spec = System.getenv().getOrDefault("PROCS", "");
            for (String entry : spec.split(";")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    byName.put(entry.substring(0, eq), Arrays.stream(entry.substring(eq + 1).split(","))
                            .filter(p -> !p.isBlank()).map(Long::parseLong).toList());
                }
            }
            if (!byName.isEmpty()) {
                byName.put("load generator", List.of(ProcessHandle.current().pid()));
            }
            return new Processes(byName, Long.parseLong(System.getenv().getOrDefault("CLK_TCK", "100")));
        }

        Map<String, Long> cpuTicks() throws java.io.IOException {
            Map<String, Long> ticks = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, List<Long>> process : byName.entrySet()) {
                long sum = 0;
                for (long pid : process.getValue()) {
                    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
                    // Fields after the command name (which may hold spaces): state is 3rd; utime 14th, stime 15th.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
                ticks.put(process.getKey(), sum);
            }
            return ticks;
        }

        Map<String, Double> millisPerOrder(Map<String, Long> before, Map<String, Long> after, int orders) {
            Map<String, Double> perOrder = new java.util.LinkedHashMap<>();
            if (orders == 0) {
                return perOrder;
            }
            double total = 0;
            for (String name : before.keySet()) {
                double millis = (after.get(name) - before.get(name)) * 1000.0 / ticksPerSecond / orders;
                perOrder.put(name, millis);
                total += millis;
            }
            perOrder.put("total", total);
            return perOrder;
        }

        static String format(Map<String, Double> millis) {
            StringBuilder text = new StringBuilder();
            millis.forEach((name, value) -> text.append(text.isEmpty() ? "" : ", ").append(name)
                    .append(String.format(" %.2f", value)));
            return text.toString();
        }
    }

    static double median(List<double[]> figures, int column) {
        double[] values = figures.stream().mapToDouble(f -> f[column]).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    /** Count and total seconds of the service's timers, read from its actuator metrics endpoint. */
    record Timers(Map<String, double[]> byName) {

        private static final Pattern COUNT = Pattern.compile("\"COUNT\",\"value\":([0-9.Ee+-]+)");
        private static final Pattern TOTAL = Pattern.compile("\"TOTAL_TIME\",\"value\":([0-9.Ee+-]+)");

        static Timers read(String metrics) throws Exception {
            Map<String, double[]> timers = new HashMap<>();
            timers.put("begin", timer(metrics + "/sluice.tcc.coordinator.calls?tag=call:begin"));
            timers.put("commit", timer(metrics + "/sluice.tcc.coordinator.calls?tag=call:commit"));
            timers.put("tx", timer(metrics + "/sluice.tcc.global.transactions?tag=outcome:committed"));
            return new Timers(timers);
        }

        private static double[] timer(String url) throws Exception {
            // The actuator answers token holders only: METRICS_TOKEN is a viewer token the service was given.
            String json = METRICS.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + System.getenv().getOrDefault("METRICS_TOKEN", "")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher count = COUNT.matcher(json);
            Matcher total = TOTAL.matcher(json);
            if (!count.find() || !total.find()) {
                throw new IllegalStateException("no timer at " + url + ": " + json);
            }
            return new double[] {Double.parseDouble(count.group(1)), Double.parseDouble(total.group(1))};
        }

        Timers minus(Timers before) {
            Map<String, double[]> diff = new HashMap<>();
            byName.forEach((name, now) -> {
                double[] then = before.byName.get(name);
                diff.put(name, new double[] {now[0] - then[0], now[1] - then[1]});
            });
            return new Timers(diff);
        }

        /** Mean milliseconds per call. */
        double mean(String name) {
            double[] t = byName.get(name);
            return t[0] == 0 ? 0 : 1000 * t[1] / t[0];
        }
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
