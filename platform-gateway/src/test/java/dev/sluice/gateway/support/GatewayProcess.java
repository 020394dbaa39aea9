package dev.sluice.gateway.support;

import dev.sluice.gateway.GatewayApplication;
import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;
import dev.sluice.test.process.Ports;
import dev.sluice.test.process.TestClassPath;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A gateway in its own JVM, started from the test classpath: a real second (or third) node of the cluster. Stopped
 * by {@link #close()}, and by the process reaper if the test JVM dies first.
 */
public final class GatewayProcess implements AutoCloseable {

    private final ManagedProcess process;
    private final int port;
    private final int managementPort;

    private GatewayProcess(ManagedProcess process, int port, int managementPort) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
    }

    public static GatewayProcess start(String name, Path logDir, List<String> arguments) {
        int port = Ports.free();
        int managementPort = Ports.free();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(TestClassPath.get());
        command.add(GatewayApplication.class.getName());
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        command.add("--management.server.port=" + managementPort);
        command.add("--management.server.address=127.0.0.1");
        command.add("--sluice.gateway.node-id=" + name);
        if (arguments.stream().noneMatch(a -> a.startsWith("--sluice.gateway.store.state-file="))) {
            command.add("--sluice.gateway.store.state-file=" + logDir.toAbsolutePath().resolve(name + "-applied.json"));
        }
        command.addAll(arguments);
        ManagedProcess process = ManagedProcess.start(name, command, logDir, logDir.resolve(name + ".log"), Map.of());
        GatewayProcess gateway = new GatewayProcess(process, port, managementPort);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Await.until(name + " to be ready", Duration.ofSeconds(60), process, () -> {
            try {
                return http.send(HttpRequest.newBuilder(gateway.management("/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            }
            catch (Exception e) {
                return false;
            }
        });
        return gateway;
    }

    /**
     * Starts several nodes at once (their startups overlap, which saves most of one), with the same arguments. If one
     * fails, the others are stopped again.
     */
    public static List<GatewayProcess> startAll(Path logDir, List<String> arguments, String... names) {
        List<java.util.concurrent.CompletableFuture<GatewayProcess>> starting = java.util.Arrays.stream(names)
                .map(name -> java.util.concurrent.CompletableFuture.supplyAsync(() -> start(name, logDir, arguments)))
                .toList();
        List<GatewayProcess> started = new ArrayList<>();
        RuntimeException failure = null;
        for (java.util.concurrent.CompletableFuture<GatewayProcess> future : starting) {
            try {
                started.add(future.join());
            }
            catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            started.forEach(GatewayProcess::close);
            throw failure;
        }
        return started;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public URI management(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    @Override
    public String toString() {
        return process.name();
    }

    public Path log() {
        return process.log();
    }

    /** Writes the JVM's thread dump (jcmd Thread.print) to {@code file}: evidence when a request stalls. */
    public void dumpThreads(Path file) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start().waitFor();
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
    }
}
