import dev.sluice.test.http.BackendProcess;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The client stack's cost per call, against the same backend (a JDK HttpServer in its own JVM, so that its work is
 * not counted here), one caller thread, interleaved rounds:
 *   plain      a RestClient on the JDK HttpClient, called fluently
 *   interface  the same RestClient behind an @HttpExchange interface (Spring's own proxy, no Sluice)
 *   sluice     the same interface as a Sluice client (sluice.clients): bulkhead, breaker, retry and budget,
 *              propagation, problem errors, metrics
 * CPU per call is this JVM's process CPU time (the JDK HttpClient works on threads of its own), allocation the sum
 * over all threads.
 *   java -cp CP bench/ClientOverhead.java [rounds=5] [calls-per-round=20000] [warm-up calls=60000]
 */
public class ClientOverhead {

    @HttpExchange
    public interface EchoApi {
        @GetExchange("/echo/{id}")
        String echo(@PathVariable("id") String id); // named: the source launcher compiles without -parameters
    }

    @EnableAutoConfiguration
    public static class App {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
        Path logs = Files.createTempDirectory("client-overhead");
        try (BackendProcess backend = new BackendProcess("bench-backend", logs, false)) {
            measure(backend, rounds, calls, warmup);
        }
        finally {
            try (var files = Files.walk(logs)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void measure(BackendProcess backend, int rounds, int calls, int warmup) {
        {
            // The source launcher loads this file's classes in a loader of its own: Spring must resolve them there.
            Thread.currentThread().setContextClassLoader(ClientOverhead.class.getClassLoader());
            ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                    .resourceLoader(new DefaultResourceLoader(ClientOverhead.class.getClassLoader()))
                    .web(WebApplicationType.NONE)
                    .run("--spring.main.banner-mode=off", "--logging.level.root=WARN",
                            "--sluice.clients.bench.base-url=" + backend.url(),
                            "--sluice.clients.bench.interfaces=" + EchoApi.class.getName(),
                            "--sluice.clients.bench.bulkhead.max-concurrent-calls=100");
            try {
                RestClient plain = plainClient(backend.url());
                EchoApi viaInterface = HttpServiceProxyFactory.builderFor(RestClientAdapter.create(plain)).build()
                        .createClient(EchoApi.class);
                EchoApi sluice = context.getBean(EchoApi.class);
                Map<String, Supplier<String>> targets = new java.util.LinkedHashMap<>();
                targets.put("plain", () -> plain.get().uri("/echo/{id}", "x").retrieve().body(String.class));
                targets.put("interface", () -> viaInterface.echo("x"));
                targets.put("sluice", () -> sluice.echo("x"));
                for (Supplier<String> target : targets.values()) {
                    run(target, warmup);
                }
                Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();
                targets.keySet().forEach(name -> results.put(name, new ArrayList<>()));
                for (int round = 1; round <= rounds; round++) {
                    StringBuilder line = new StringBuilder("round " + round + ":");
                    for (Map.Entry<String, Supplier<String>> target : targets.entrySet()) {
                        double[] cost = run(target.getValue(), calls);
                        results.get(target.getKey()).add(cost);
                        line.append(String.format("  %s %.1f µs %.0f B", target.getKey(), cost[0], cost[1]));
                    }
                    System.out.println(line);
                }
                double plainCpu = median(results.get("plain"), 0);
                double interfaceCpu = median(results.get("interface"), 0);
                System.out.println();
                System.out.println("| target | CPU per call (median) | allocated per call (median) | CPU vs plain | CPU vs interface |");
                System.out.println("| --- | --- | --- | --- | --- |");
                for (String name : targets.keySet()) {
                    double cpu = median(results.get(name), 0);
                    System.out.printf("| %s | %.1f µs | %.0f B | %.2f× | %.2f× |%n", name, cpu, median(results.get(name), 1),
                            cpu / plainCpu, cpu / interfaceCpu);
                }
                System.out.printf("%nper-round ratios sluice/plain (median): %.2f×%n", medianRatio(results.get("sluice"),
                        results.get("plain")));
            }
            finally {
                context.close();
            }
        }
    }

    private static RestClient plainClient(String baseUrl) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build());
        requests.setReadTimeout(Duration.ofSeconds(5));
        return RestClient.builder().baseUrl(baseUrl).requestFactory(requests).build();
    }

    /** @return {CPU µs per call, bytes allocated per call} */
    private static double[] run(Supplier<String> target, int calls) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long allocated = allocated();
        for (int i = 0; i < calls; i++) {
            if (target.get() == null) {
                throw new IllegalStateException("no answer");
            }
        }
        return new double[] {(os.getProcessCpuTime() - cpu) / 1_000.0 / calls, (allocated() - allocated) / (double) calls};
    }

    private static long allocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(b -> b > 0).sum();
    }

    private static double median(List<double[]> values, int index) {
        double[] sorted = values.stream().mapToDouble(v -> v[index]).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static double medianRatio(List<double[]> a, List<double[]> b) {
        double[] ratios = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            ratios[i] = a.get(i)[0] / b.get(i)[0];
        }
        Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }
}
