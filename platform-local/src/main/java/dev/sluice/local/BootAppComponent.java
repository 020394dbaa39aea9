package dev.sluice.local;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spring Boot application of this repository, run from its executable jar in its own JVM and ready once its
 * readiness probe answers 200.
 */
final class BootAppComponent implements Component {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final String module;
    private final StackConfig config;
    private final int port;
    private final int healthPort;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final String address;
    private ManagedProcess process;

    /**
     * @param healthPort where actuator answers: the app's port, or its management port
     * @param arguments Spring Boot arguments ({@code --name=value}) beyond {@code server.port}
     */
    BootAppComponent(String module, StackConfig config, int port, int healthPort, List<String> arguments) {
        this(module, module, config, port, healthPort, arguments, Map.of());
    }

    /**
     * A further instance of {@code module}, called {@code name} (which also names its log).
     *
     * @param environment extra environment variables: secrets go here rather than on the command line
     */
    BootAppComponent(String name, String module, StackConfig config, int port, int healthPort, List<String> arguments,
            Map<String, String> environment) {
        this(name, module, config, port, healthPort, arguments, environment, "127.0.0.1");
    }

    private BootAppComponent(String name, String module, StackConfig config, int port, int healthPort,
            List<String> arguments, Map<String, String> environment, String address) {
        this.name = name;
        this.module = module;
        this.config = config;
        this.port = port;
        this.healthPort = healthPort;
        this.arguments = List.copyOf(arguments);
        this.environment = Map.copyOf(environment);
        this.address = address;
    }

    /**
     * This instance listening on another loopback address ({@code 127.0.0.2}...), its actuator included: instances
     * of one service on one port, as pods behind a Kubernetes Service are.
     */
    BootAppComponent at(String loopbackAddress) {
        return new BootAppComponent(name, module, config, port, healthPort, arguments, environment, loopbackAddress);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        Path jar = config.jarOf(module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -B package -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(config.javaHome(), "bin", "java").toString());
        command.addAll(config.jvmOptionsOf(module));
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + port);
        command.add("--server.address=" + address);
        command.addAll(arguments);
        process = ManagedProcess.start(name, command, config.runDir(), Path.of(log()), environment);
        // A separate management port stays on 127.0.0.1 (management.server.address), else actuator is on the app's.
        URI readiness = URI.create("http://" + (healthPort == port ? address : "127.0.0.1") + ":" + healthPort
                + "/actuator/health/readiness");
        Await.until(name + " readiness at " + readiness, START_TIMEOUT, process, () -> isReady(readiness));
    }

    private static boolean isReady(URI readiness) {
        try {
            HttpRequest request = HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (java.io.IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(20));
        }
    }

    @Override
    public String url() {
        String url = "http://" + address + ":" + port;
        return healthPort == port ? url : url + " (management http://127.0.0.1:" + healthPort + ")";
    }

    @Override
    public String log() {
        return config.logDir().resolve(name + ".log").toString();
    }

    @Override
    public List<Long> pids() {
        return process == null ? List.of() : List.of(process.pid());
    }
}
