package dev.sluice.local;

import dev.sluice.test.process.ManagedProcess;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The launcher run as a user runs it: its own JVM, its output captured, signals sent from outside. */
final class LauncherProcess implements AutoCloseable {

    static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    LauncherProcess(List<String> arguments) throws Exception {
        this(REPO_ROOT, arguments);
    }

    /** The launcher for the checkout at {@code root} (a copy of this repository, say). */
    LauncherProcess(Path root, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LocalStackLauncher.class.getName(),
                "--root=" + root));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("SLUICE_ADMIN_TOKEN"); // the launcher generates one, as on a fresh machine
        process = builder.start();
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(output::add), "launcher-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for a line containing {@code text}; fails with the whole output if the launcher exits first. */
    void awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            if (!process.isAlive() && output.stream().noneMatch(l -> l.contains(text))) {
                Thread.sleep(200); // let the reader drain the last lines
                if (output.stream().anyMatch(l -> l.contains(text))) {
                    return;
                }
                throw new AssertionError("The launcher exited (" + process.exitValue() + ") before printing '" + text
                        + "':\n" + String.join("\n", output));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("No '" + text + "' within " + timeout + ":\n" + String.join("\n", output));
    }

    /** Every process the launcher started, directly or not (servers, JVMs, watchdogs). */
    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /**
     * Sends {@code signal} to the launcher. Ctrl-C (INT) becomes TERM when this JVM runs with INT ignored, as a
     * background job of a non-interactive shell does: the launcher inherits that, and the JVM then never sees an
     * INT. Both end in the same shutdown hook.
     */
    void signal(String signal) throws Exception {
        String sent = signal.equals("INT") && interruptIgnored() ? "TERM" : signal;
        if (!ManagedProcess.signal(process.pid(), sent)) {
            throw new IllegalStateException("kill -" + sent + " " + process.pid() + " failed");
        }
    }

    /** Whether SIGINT (2) is in this process's ignored set, SigIgn in /proc/self/status (Linux). */
    private static boolean interruptIgnored() {
        try {
            return java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("SigIgn:"))
                    .anyMatch(line -> (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0);
        }
        catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("The launcher did not exit within " + timeout + ":\n" + String.join("\n", output));
        }
        return process.exitValue();
    }

    String output() {
        return String.join("\n", output);
    }

    @Override
    public void close() {
        // If a test failed midway, SIGTERM runs the launcher's own shutdown; its watchdogs cover the rest.
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
