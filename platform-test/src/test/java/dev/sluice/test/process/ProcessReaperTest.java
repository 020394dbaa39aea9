package dev.sluice.test.process;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** No server may outlive the JVM that started it: not after a crash, and not after a SIGKILL. */
class ProcessReaperTest {

    @Test
    void serversDieWhenTheirJvmIsKilled() throws Exception {
        Process probe = startProbe("hold");
        List<Long> pids = readPids(probe);
        assertThat(pids).hasSize(3).allMatch(ProcessReaperTest::alive);

        probe.destroyForcibly(); // SIGKILL: no shutdown hook runs; only the watchdogs can help
        probe.waitFor();

        Await.until("the watchdogs to kill " + pids, Duration.ofSeconds(15),
                () -> pids.stream().noneMatch(ProcessReaperTest::alive));
    }

    @Test
    void serversDieWhenTheirJvmCrashes() throws Exception {
        Process probe = startProbe("crash");
        List<Long> pids = readPids(probe);
        assertThat(pids).hasSize(3);

        assertThat(probe.waitFor()).isNotZero();
        Await.until("the shutdown hook to stop " + pids, Duration.ofSeconds(15),
                () -> pids.stream().noneMatch(ProcessReaperTest::alive));
    }

    private static Process startProbe(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ReaperProbe.class.getName(), mode)
                .redirectErrorStream(true).start();
    }

    private static List<Long> readPids(Process probe) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream()));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.startsWith("PIDS ")) {
                // Keep draining the probe's output so it never blocks on a full pipe.
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return Arrays.stream(line.substring(5).trim().split(" ")).map(Long::valueOf).toList();
            }
        }
        throw new AssertionError("The probe ended before starting its servers:\n" + seen);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
