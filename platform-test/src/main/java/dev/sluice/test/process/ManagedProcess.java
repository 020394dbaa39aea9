package dev.sluice.test.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server process started by a test or the local launcher. Its output goes to a log file, and it is
 * registered with the {@link ProcessReaper} so it cannot outlive the JVM that started it.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code workDir}, appending stdout and stderr to {@code log}. */
    public static ManagedProcess start(String name, List<String> command, Path workDir, Path log,
            Map<String, String> environment) {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            ManagedProcess started = new ManagedProcess(name, builder.start(), log);
            ProcessReaper.watch(started);
            return started;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + " (" + command.get(0) + ")", e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while the process runs. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * Sends {@code signal} (a name kill(1) knows: STOP, CONT, INT...) to the process {@code pid}, which need not be
     * a managed one. Returns whether kill reported it sent within 5 s.
     */
    public static boolean signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL, as a crash would: no shutdown, no flush. Waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
        ProcessReaper.forget(this);
    }

    /** SIGTERM, then SIGKILL once {@code grace} has passed. */
    public void stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            if (!waitForExit(grace)) {
                process.destroyForcibly();
                waitForExit(Duration.ofSeconds(30));
            }
        }
        ProcessReaper.forget(this);
    }

    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + log + ")";
    }
}
