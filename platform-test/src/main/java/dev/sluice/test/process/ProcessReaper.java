package dev.sluice.test.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Makes sure no server process outlives the JVM that started it.
 * <ul>
 * <li>On a normal exit, Ctrl-C or SIGTERM, one shutdown hook first runs the actions given to
 * {@link #beforeReaping(Runnable)} (an orderly stop, such as the local stack's, in dependency order), then stops
 * every process still registered, then deletes the temporary folders registered with {@link #deleteWhenDone(Path)}.
 * One hook, because the JVM runs separate hooks at once: the reaper would stop Redis under a gateway still
 * shutting down.</li>
 * <li>A shutdown hook does not run when the JVM is SIGKILLed (a build timeout, an IDE's stop button).
 * For that case each process and each folder gets a tiny {@code sh} watchdog that polls the JVM and, once it is
 * gone, SIGKILLs the process or deletes the folder. A watchdog exits by itself as soon as its process has ended or
 * its folder has been deleted.</li>
 * </ul>
 */
public final class ProcessReaper {

    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Path> FOLDERS = ConcurrentHashMap.newKeySet();
    private static final List<Runnable> BEFORE_REAPING = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final String WATCHDOG = """
            while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
            kill -0 "$1" 2>/dev/null || kill -9 "$2" 2>/dev/null
            exit 0""";

    private static final String CLEANUP_WATCHDOG = """
            while kill -0 "$1" 2>/dev/null && [ -e "$2" ]; do sleep 1; done
            if [ -e "$2" ]; then sh -c "$3"; rm -f "$2"; fi
            exit 0""";

    private static final String FOLDER_WATCHDOG = """
            while kill -0 "$1" 2>/dev/null && [ -e "$2" ]; do sleep 1; done
            if [ -e "$2" ]; then sleep 2; rm -rf "$2"; fi
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

    /** Deletes {@code folder}, which this JVM created, when the JVM ends however it ends; unless already deleted. */
    public static void deleteWhenDone(Path folder) {
        FOLDERS.add(folder);
        startWatchdog(FOLDER_WATCHDOG, folder.toAbsolutePath().toString());
    }

    /** Deletes {@code folder} now, and forgets it. */
    public static void delete(Path folder) {
        FOLDERS.remove(folder);
        deleteRecursively(folder);
    }

    /**
     * For what no process handle covers (containers a test started through the Docker CLI): once this JVM is gone,
     * however it ended, a watchdog runs {@code shellCommand} with {@code sh -c}, unless {@code marker} was deleted
     * first, which is how the test says it cleaned up itself. The marker is created here.
     */
    public static void cleanUpIfKilled(Path marker, String shellCommand) {
        try {
            Files.createDirectories(marker.toAbsolutePath().getParent());
            Files.writeString(marker, shellCommand);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long self = ProcessHandle.current().pid();
        try {
            new ProcessBuilder("sh", "-c", CLEANUP_WATCHDOG, "sluice-watchdog", Long.toString(self),
                    marker.toAbsolutePath().toString(), shellCommand)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        }
        catch (IOException e) {
            System.err.println("sluice: no watchdog for " + marker + ": " + e.getMessage());
        }
    }

    /** Runs {@code action} at JVM exit before the remaining processes are stopped; the latest registered runs first. */
    public static void beforeReaping(Runnable action) {
        BEFORE_REAPING.add(0, action);
    }

    /** The processes started by this JVM that have not been stopped yet. */
    public static List<ManagedProcess> live() {
        return List.copyOf(LIVE);
    }

    private static void stopAll() {
        for (Runnable action : BEFORE_REAPING) {
            try {
                action.run();
            }
            catch (RuntimeException e) {
                System.err.println("sluice: a shutdown action failed: " + e);
            }
        }
        List<ManagedProcess> running = new ArrayList<>(LIVE);
        // Ask all to stop at once, so a slow one does not delay the others.
        running.forEach(p -> new Thread(() -> p.stop(java.time.Duration.ofSeconds(5))).start());
        for (ManagedProcess p : running) {
            for (int i = 0; i < 70 && p.isAlive(); i++) {
                sleepQuietly(100);
            }
        }
        List.copyOf(FOLDERS).forEach(ProcessReaper::delete);
    }

    private static void startWatchdog(long childPid) {
        startWatchdog(WATCHDOG, Long.toString(childPid));
    }

    private static void startWatchdog(String script, String target) {
        long self = ProcessHandle.current().pid();
        try {
            new ProcessBuilder("sh", "-c", script, "sluice-watchdog", Long.toString(self), target)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        }
        catch (IOException e) {
            // Without sh the shutdown hook still covers every exit but SIGKILL.
            System.err.println("sluice: no watchdog for " + target + ": " + e.getMessage());
        }
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException e) {
            System.err.println("sluice: could not delete " + folder + ": " + e.getMessage());
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
