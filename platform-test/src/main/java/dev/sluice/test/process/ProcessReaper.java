package dev.sluice.test.process;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure no server process outlives the JVM that started it.
 * <ul>
 * <li>On a normal exit, Ctrl-C or SIGTERM, a shutdown hook stops every process still registered.</li>
 * <li>A shutdown hook does not run when the JVM is SIGKILLed (a build timeout, an IDE's stop button).
 * For that case each process gets a tiny {@code sh} watchdog that polls the JVM and SIGKILLs the
 * process once the JVM is gone. The watchdog exits by itself as soon as either one is gone.</li>
 * </ul>
 */
public final class ProcessReaper {

    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    private static final String WATCHDOG = """
            while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
            kill -0 "$1" 2>/dev/null || kill -9 "$2" 2>/dev/null
            exit 0""";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::stopAll, "sluice-process-reaper"));
    }

    private ProcessReaper() {
    }

    static void watch(ManagedProcess process) {
        LIVE.add(process);
        startWatchdog(process.pid());
    }

    static void forget(ManagedProcess process) {
        LIVE.remove(process);
    }

    /** The processes started by this JVM that have not been stopped yet. */
    public static List<ManagedProcess> live() {
        return List.copyOf(LIVE);
    }

    private static void stopAll() {
        List<ManagedProcess> running = new ArrayList<>(LIVE);
        // Ask all to stop at once, so a slow one does not delay the others.
        running.forEach(p -> new Thread(() -> p.stop(java.time.Duration.ofSeconds(5))).start());
        for (ManagedProcess p : running) {
            for (int i = 0; i < 70 && p.isAlive(); i++) {
                sleepQuietly(100);
            }
        }
    }

    private static void startWatchdog(long childPid) {
        long self = ProcessHandle.current().pid();
        try {
            new ProcessBuilder("sh", "-c", WATCHDOG, "sluice-watchdog", Long.toString(self), Long.toString(childPid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        }
        catch (IOException e) {
            // Without sh the shutdown hook still covers every exit but SIGKILL.
            System.err.println("sluice: no watchdog for pid " + childPid + ": " + e.getMessage());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
