package dev.sluice.test.process;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** No server, nor its temporary folder, may outlive the JVM that started it: not after a crash, not after a SIGKILL. */
class ProcessReaperTest {

    @Test
    void serversDieWhenTheirJvmIsKilled() throws Exception {
        Process probe = startProbe("hold");
        Probe started = read(probe);
        assertThat(started.pids()).hasSize(3).allMatch(ProcessReaperTest::alive);
        assertThat(started.dir()).isDirectory();

        probe.destroyForcibly(); // SIGKILL: no shutdown hook runs; only the watchdogs can help
        probe.waitFor();

        Await.until("the watchdogs to kill " + started.pids(), Duration.ofSeconds(15),
                () -> started.pids().stream().noneMatch(ProcessReaperTest::alive));
        Await.until("the watchdog to delete " + started.dir(), Duration.ofSeconds(15),
                () -> !Files.exists(started.dir()));
    }

    @Test
    void serversDieWhenTheirJvmCrashes() throws Exception {
        Process probe = startProbe("crash");
        Probe started = read(probe);
        assertThat(started.pids()).hasSize(3);

        assertThat(probe.waitFor()).isNotZero();
        Await.until("the shutdown hook to stop " + started.pids(), Duration.ofSeconds(15),
                () -> started.pids().stream().noneMatch(ProcessReaperTest::alive));
        Await.until("the shutdown hook to delete " + started.dir(), Duration.ofSeconds(15),
                () -> !Files.exists(started.dir()));
    }

    private static Process startProbe(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ReaperProbe.class.getName(), mode)
                .redirectErrorStream(true).start();
    }

    /** What the probe started: its servers' pids and the cluster's temporary folder. */
    private record Probe(List<Long> pids, Path dir) {
    }

    private static Probe read(Process probe) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream()));
        StringBuilder seen = new StringBuilder();
        Path dir = null;
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.startsWith("DIR ")) {
                dir = Path.of(line.substring(4).trim());
            }
            if (line.startsWith("PIDS ")) {
                // Keep draining the probe's output so it never blocks on a full pipe.
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return new Probe(Arrays.stream(line.substring(5).trim().split(" ")).map(Long::valueOf).toList(), dir);
            }
        }
        throw new AssertionError("The probe ended before starting its servers:\n" + seen);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
