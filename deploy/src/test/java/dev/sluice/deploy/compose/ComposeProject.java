package dev.sluice.deploy.compose;

import dev.sluice.test.process.Ports;
import dev.sluice.test.process.ProcessReaper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The repository's {@code docker-compose.yml} as one Compose project with its own name, fresh secrets and free
 * loopback ports, so that it never meets a stack a user runs. Containers are found by Compose's labels, which both
 * Compose versions set.
 */
final class ComposeProject {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(6);

    final String name;
    final String adminToken;
    final String viewerToken;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Docker docker;
    private final List<String> compose;
    private final Path marker;

    ComposeProject(Path repository, Path workDir) {
        this(repository, workDir, Map.of());
    }

    /**
     * @param settings more variables, as a user's {@code .env} would have them (a profile, for one); a
     *     {@code SLUICE_SUBNET_PREFIX} among them replaces the random one
     */
    ComposeProject(Path repository, Path workDir, Map<String, String> settings) {
        this.name = "sluice-test-" + Long.toHexString(System.nanoTime() & 0xffffff);
        this.adminToken = secret();
        this.viewerToken = secret();
        Map<String, String> env = new LinkedHashMap<>();
        // The stand-in images (.ci/run builds them) or, unset, the public defaults in docker-compose.yml.
        for (String image : List.of("SLUICE_BASE_IMAGE", "SLUICE_REDIS_IMAGE", "SLUICE_POSTGRES_IMAGE",
                "SLUICE_PROMETHEUS_IMAGE")) {
            String value = System.getenv(image);
            if (value != null && !value.isBlank()) {
                env.put(image, value);
            }
        }
        env.put("COMPOSE_PROJECT_NAME", name);
        env.put("SLUICE_IMAGE_TAG", name);
        env.put("SLUICE_ADMIN_TOKEN_SHA256", sha256(adminToken));
        env.put("SLUICE_VIEWER_TOKEN", viewerToken);
        env.put("SLUICE_VIEWER_TOKEN_SHA256", sha256(viewerToken));
        env.put("POSTGRES_PASSWORD", secret());
        env.put("ORDER_DB_PASSWORD", secret());
        env.put("INVENTORY_DB_PASSWORD", secret());
        env.put("GRAFANA_ADMIN_PASSWORD", secret());
        // Not the default subnet, so that the project never clashes with a stack a user runs.
        env.put("SLUICE_SUBNET_PREFIX", randomSubnetPrefix());
        env.putAll(settings);
        for (String port : List.of("SLUICE_GATEWAY_PORT", "SLUICE_GATEWAY_MANAGEMENT_PORT", "SLUICE_GATEWAY2_PORT",
                "SLUICE_GATEWAY2_MANAGEMENT_PORT", "SLUICE_INVENTORY_PORT", "SLUICE_POSTGRES_PORT",
                "SLUICE_PROMETHEUS_PORT", "SLUICE_GRAFANA_PORT")) {
            int free = freePortNotTaken();
            ports.put(port, free);
            env.put(port, Integer.toString(free));
        }
        this.docker = new Docker(repository, env);
        this.compose = docker.compose();
        this.marker = workDir.resolve(name + ".running");
    }

    /** A /24 for the project's network, as docker-compose.yml's SLUICE_SUBNET_PREFIX: 10.192.0 to 10.192.255. */
    static String randomSubnetPrefix() {
        return "10.192." + new SecureRandom().nextInt(256);
    }

    int port(String variable) {
        return ports.get(variable);
    }

    /** Builds the images, starts {@code services} and waits until every container is healthy. */
    void buildAndStart(Duration healthyWithin, String... services) {
        build();
        up(services);
        awaitHealthy(healthyWithin);
    }

    /**
     * Saves every container's log to {@code <name>.log} in {@code logDir}, takes the project down with its volumes
     * and removes its images.
     *
     * @return what is left of the project: nothing, unless the clean-up failed
     */
    List<String> tearDown(Path logDir) {
        saveLogs(logDir.resolve(name + ".log"));
        down();
        removeImages();
        return leftovers();
    }

    void build() {
        run(BUILD_TIMEOUT, "build");
    }

    /**
     * Starts {@code services} (and what they depend on), and arms the clean-up: at JVM exit, and by a watchdog if
     * the JVM is killed, the project is taken down with its volumes.
     */
    void up(String... services) {
        // Plain docker commands: Compose itself would refuse to run without the secrets in its environment.
        String label = "--filter label=com.docker.compose.project=" + name;
        ProcessReaper.cleanUpIfKilled(marker, "docker ps -aq " + label + " | xargs -r docker rm -f; "
                + "docker network ls -q " + label + " | xargs -r docker network rm; "
                + "docker volume ls -q " + label + " | xargs -r docker volume rm");
        ProcessReaper.beforeReaping(this::downQuietly);
        List<String> args = new ArrayList<>(List.of("up", "-d", "--no-build"));
        args.addAll(List.of(services));
        run(UP_TIMEOUT, args.toArray(String[]::new));
    }

    /** Runs {@code replicas} containers of {@code service}, leaving every other container as it is. */
    void scale(String service, int replicas) {
        run(UP_TIMEOUT, "up", "-d", "--no-build", "--no-recreate", "--scale", service + "=" + replicas, service);
    }

    /** Waits until every container of the project is healthy (or running, without a healthcheck), one-shots done. */
    void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            List<String> states = docker.runOrThrow(Duration.ofSeconds(30), List.of("docker", "ps", "-a",
                    "--filter", "label=com.docker.compose.project=" + name,
                    "--format", "{{.Label \"com.docker.compose.service\"}} {{.State}} {{.Status}}")).lines();
            List<String> waiting = states.stream().filter(s -> !isReady(s)).toList();
            if (!states.isEmpty() && waiting.isEmpty()) {
                return;
            }
            if (states.stream().anyMatch(s -> s.contains(" exited ") && !s.contains("Exited (0)"))) {
                throw new IllegalStateException("a container failed: " + states);
            }
            last = String.join("; ", waiting);
            sleep(Duration.ofSeconds(2));
        }
        throw new IllegalStateException("not healthy within " + timeout + ": " + last);
    }

    private static boolean isReady(String state) {
        if (state.contains("(healthy)")) {
            return true;
        }
        if (state.contains("health")) { // "(health: starting)" or "(unhealthy)"
            return false;
        }
        return state.contains(" running ") || state.contains("Exited (0)");
    }

    /** The ids of the running containers of {@code service}. */
    List<String> containers(String service) {
        return docker.runOrThrow(Duration.ofSeconds(30), List.of("docker", "ps", "-q",
                "--filter", "label=com.docker.compose.project=" + name,
                "--filter", "label=com.docker.compose.service=" + service)).lines();
    }

    /** The loopback port a container's {@code containerPort} is published on. */
    int hostPort(String container, int containerPort) {
        String mapping = docker.runOrThrow(Duration.ofSeconds(30),
                List.of("docker", "port", container, containerPort + "/tcp")).lines().get(0);
        return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
    }

    Docker.Result exec(String container, String... command) {
        List<String> all = new ArrayList<>(List.of("docker", "exec", container));
        all.addAll(List.of(command));
        return docker.runOrThrow(Duration.ofSeconds(60), all);
    }

    void stop(String container) {
        docker.runOrThrow(Duration.ofSeconds(60), List.of("docker", "stop", "-t", "5", container));
    }

    /** SIGKILL, as a crash: no shutdown hook runs. */
    void kill(String container) {
        docker.runOrThrow(Duration.ofSeconds(60), List.of("docker", "kill", container));
    }

    void start(String container) {
        docker.runOrThrow(Duration.ofSeconds(60), List.of("docker", "start", container));
    }

    /** Every container's log, for reading after a failure. */
    void saveLogs(Path file) {
        Docker.Result logs = docker.run(Duration.ofMinutes(2), Docker.concat(compose, "-p", name, "logs", "--no-color",
                "--timestamps"));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, logs.out() + logs.err());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void down() {
        run(Duration.ofMinutes(3), "down", "-v", "--remove-orphans", "-t", "10");
        try {
            Files.deleteIfExists(marker);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void downQuietly() {
        if (Files.exists(marker)) {
            try {
                down();
            }
            catch (RuntimeException e) {
                System.err.println("sluice: compose down failed: " + e.getMessage());
            }
        }
    }

    /** Containers, networks and volumes of this project that still exist, and images it built. */
    List<String> leftovers() {
        List<String> left = new ArrayList<>();
        String label = "label=com.docker.compose.project=" + name;
        docker.runOrThrow(Duration.ofSeconds(30), List.of("docker", "ps", "-a", "-q", "--filter", label)).lines()
                .forEach(c -> left.add("container " + c));
        docker.runOrThrow(Duration.ofSeconds(30), List.of("docker", "network", "ls", "-q", "--filter", label)).lines()
                .forEach(n -> left.add("network " + n));
        docker.runOrThrow(Duration.ofSeconds(30), List.of("docker", "volume", "ls", "-q", "--filter", label)).lines()
                .forEach(v -> left.add("volume " + v));
        return left;
    }

    /** Removes the images built under this project's tag, so that repeated runs do not fill the disk. */
    void removeImages() {
        for (String image : Set.of("sluice/seata-server", "sluice/sample-inventory-service",
                "sluice/sample-order-service", "sluice/platform-gateway")) {
            docker.run(Duration.ofMinutes(1), List.of("docker", "rmi", image + ":" + name));
        }
    }

    private Docker.Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", name));
        command.addAll(List.of(args));
        return docker.runOrThrow(timeout, command);
    }

    private int freePortNotTaken() {
        for (int i = 0; i < 20; i++) {
            int port = Ports.free();
            if (!ports.containsValue(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port");
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
