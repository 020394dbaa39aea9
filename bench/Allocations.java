import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Allocation per request from a bench/gateway.sh recording (bench/allocation.jfc), with the JDK alone:
 *   java bench/Allocations.java RECORDING TARGET REQUESTS
 * Bytes per request: every thread's allocated bytes at the recording's end minus at its start
 * (jdk.ThreadAllocationStatistics, emitted at both), over the requests wrk counted while it ran. The recording
 * brackets the wrk run by a fraction of a second of idle time, so this slightly overstates. Then the sampled
 * allocations (jdk.ObjectAllocationSample): the classes and the allocating methods with the largest shares of the
 * samples, a method being the first frame outside the JDK, Reactor and Netty (where a Sluice or Spring decision
 * made the allocation happen). JFR takes a sample when a thread starts a new allocation buffer, so an allocation's
 * chance of being sampled grows with its size: shares of the samples estimate shares of the bytes. (Each sample's
 * weight, the bytes since that thread's last sample, varies too much over a short run to be summed.)
 */
public class Allocations {

    public static void main(String[] args) throws Exception {
        String target = args[1];
        long requests = Long.parseLong(args[2]);
        Map<Long, long[]> byThread = new HashMap<>(); // thread id -> {first, last}
        Map<String, Long> byClass = new HashMap<>();
        Map<String, Long> bySite = new HashMap<>();
        long sampled = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            switch (event.getEventType().getName()) {
                case "jdk.ThreadAllocationStatistics" -> {
                    long allocated = event.getLong("allocated");
                    byThread.merge(event.getThread("thread").getJavaThreadId(), new long[] {allocated, allocated},
                            (seen, now) -> new long[] {Math.min(seen[0], now[0]), Math.max(seen[1], now[1])});
                }
                case "jdk.ObjectAllocationSample" -> {
                    sampled++;
                    byClass.merge(event.getClass("objectClass").getName(), 1L, Long::sum);
                    bySite.merge(site(event), 1L, Long::sum);
                }
                default -> { }
            }
        }
        long bytes = byThread.values().stream().mapToLong(range -> range[1] - range[0]).sum();
        System.out.printf("%s: %,d bytes per request (%,d requests)%n", target, requests == 0 ? 0 : bytes / requests,
                requests);
        print("  classes (" + sampled + " samples)", byClass, sampled);
        print("  sites", bySite, sampled);
    }

    private static String site(RecordedEvent event) {
        if (event.getStackTrace() == null) {
            return "(no stack)";
        }
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")
                    && !type.startsWith("reactor.") && !type.startsWith("io.netty.")) {
                return type + "." + frame.getMethod().getName();
            }
        }
        return frames.isEmpty() ? "(no stack)" : frames.get(0).getMethod().getType().getName() + "."
                + frames.get(0).getMethod().getName();
    }

    private static void print(String title, Map<String, Long> weights, long total) {
        System.out.println(title + ":");
        weights.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> System.out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }
}
