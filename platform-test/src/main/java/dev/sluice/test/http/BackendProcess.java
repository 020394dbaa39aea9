package dev.sluice.test.http;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;
import dev.sluice.test.process.Ports;
import dev.sluice.test.process.TestClassPath;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A {@link TestBackend} in its own JVM, so a test can kill it (SIGKILL) and start it again on the same port. */
public final class BackendProcess implements AutoCloseable {

    private final String name;
    private final int port;
    private final Path logDir;
    private final boolean record;
    private ManagedProcess process;

    public BackendProcess(String name, Path logDir) {
        this(name, logDir, true);
    }

    /** @param record whether the backend keeps what it received; a benchmark's must not (the record only grows) */
    public BackendProcess(String name, Path logDir, boolean record) {
        this.name = name;
        this.port = Ports.free();
        this.logDir = logDir;
        this.record = record;
        start();
    }

    public void start() {
        process = ManagedProcess.start(name, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", TestClassPath.get(),
                        TestBackend.class.getName(), name, String.valueOf(port), record ? "--record" : "--no-record"),
                logDir, logDir.resolve(name + ".log"), Map.of());
        Await.until(name + " to listen on " + port, Duration.ofSeconds(30), process, () -> Ports.isListening(port));
    }

    public void kill() {
        process.kill();
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
