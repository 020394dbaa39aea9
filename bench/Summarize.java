import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Summarizes bench/gateway.sh's rounds: per target the median requests/s, p50, p99 and CPU per request, the
 * median of the per-round throughput ratios to nginx as a proxy, and of the per-round CPU-per-request ratios to the
 * bare Sluice gateway.
 * Input lines: round, target, requests/s, p50, p99 (wrk units), requests, CPU ticks (or -).
 */
public class Summarize {

    record Run(int round, String target, double rps, double p50, double p99, long requests, double cpuMicrosPerRequest) {
    }

    public static void main(String[] args) throws Exception {
        double hz = Double.parseDouble(args[1]);
        List<Run> runs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.split("\t");
            long requests = Long.parseLong(f[5]);
            double cpu = f[6].equals("-") ? Double.NaN : Long.parseLong(f[6]) / hz * 1e6 / requests;
            runs.add(new Run(Integer.parseInt(f[0]), f[1], Double.parseDouble(f[2]), millis(f[3]), millis(f[4]), requests, cpu));
        }
        Map<String, List<Run>> byTarget = new LinkedHashMap<>();
        runs.forEach(r -> byTarget.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r));
        System.out.println();
        System.out.println("| target | requests/s | p50 ms | p99 ms | CPU µs/request | ratio to nginx proxy | CPU ratio to bare |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (Map.Entry<String, List<Run>> e : byTarget.entrySet()) {
            List<Double> ratios = new ArrayList<>();
            for (Run r : e.getValue()) {
                runs.stream().filter(n -> n.round() == r.round() && n.target().equals("nginx")).findFirst()
                        .ifPresent(n -> ratios.add(r.rps() / n.rps()));
            }
            List<Double> cpuRatios = new ArrayList<>();
            for (Run r : e.getValue()) {
                runs.stream().filter(b -> b.round() == r.round() && b.target().equals("bare")).findFirst()
                        .ifPresent(b -> cpuRatios.add(r.cpuMicrosPerRequest() / b.cpuMicrosPerRequest()));
            }
            List<Run> rs = e.getValue();
            double cpu = median(rs.stream().map(Run::cpuMicrosPerRequest).toList());
            double cpuRatio = median(cpuRatios);
            System.out.printf("| %s | %.0f | %.2f | %.2f | %s | %.2f | %s |%n", e.getKey(),
                    median(rs.stream().map(Run::rps).toList()), median(rs.stream().map(Run::p50).toList()),
                    median(rs.stream().map(Run::p99).toList()), Double.isNaN(cpu) ? "-" : String.format("%.0f", cpu),
                    median(ratios), Double.isNaN(cpuRatio) ? "-" : String.format("%.2f", cpuRatio));
        }
        System.out.println("(medians over " + runs.stream().mapToInt(Run::round).max().orElse(0)
                + " interleaved rounds; the ratio is the median of the per-round ratios)");
    }

    static double millis(String wrk) {
        if (wrk.endsWith("us")) {
            return Double.parseDouble(wrk.substring(0, wrk.length() - 2)) / 1000;
        }
        if (wrk.endsWith("ms")) {
            return Double.parseDouble(wrk.substring(0, wrk.length() - 2));
        }
        return Double.parseDouble(wrk.substring(0, wrk.length() - 1)) * 1000;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
