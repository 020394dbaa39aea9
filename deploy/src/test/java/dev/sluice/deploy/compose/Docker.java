package dev.sluice.deploy.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Docker and Compose command-line tools, run as processes: the test drives Docker the way a user does. Compose is
 * {@code docker compose} (v2) when the CLI has it, otherwise {@code docker-compose} (1.29).
 */
final class Docker {

    /** What a command printed, and how it ended. */
    record Result(int exitCode, String out, String err) {

        Result orThrow(List<String> command) {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exitCode + ":\n" + err + out);
            }
            return this;
        }

        List<String> lines() {
            return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        }
    }

    private final Map<String, String> environment;
    private final Path workDir;

    Docker(Path workDir, Map<String, String> environment) {
        this.workDir = workDir;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Skips the calling test class when no engine answers, unless {@code SLUICE_REQUIRE_DOCKER=true} (as
     * {@code .ci/run} sets), which makes a missing engine a failure.
     */
    static void assumeEngine() {
        String why = whyUnavailable();
        if (why == null) {
            return;
        }
        if ("true".equals(System.getenv("SLUICE_REQUIRE_DOCKER"))) {
            org.junit.jupiter.api.Assertions.fail("SLUICE_REQUIRE_DOCKER=true but " + why);
        }
        org.junit.jupiter.api.Assumptions.abort("Skipped: " + why + ". Install Docker to run it, or run .ci/run as "
                + "root, which starts an engine (deploy/docker/engine/engine.sh).");
    }

    /** Why no engine can be used here, or null when one answers. */
    static String whyUnavailable() {
        try {
            Result version = new Docker(Path.of("."), Map.of())
                    .run(Duration.ofSeconds(20), List.of("docker", "version", "--format", "{{.Server.Version}}"));
            return version.exitCode() == 0 ? null : "no Docker engine answers (docker version: "
                    + (version.err() + version.out()).strip() + ")";
        }
        catch (IllegalStateException e) {
            return "the docker command is not available (" + e.getMessage() + ")";
        }
    }

    /** The Compose command: the CLI plugin when present, else the standalone tool. */
    List<String> compose() {
        if (run(Duration.ofSeconds(20), List.of("docker", "compose", "version")).exitCode() == 0) {
            return List.of("docker", "compose");
        }
        if (run(Duration.ofSeconds(20), List.of("docker-compose", "version")).exitCode() == 0) {
            return List.of("docker-compose");
        }
        throw new IllegalStateException("neither 'docker compose' nor 'docker-compose' is installed");
    }

    Result run(Duration timeout, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        }
        catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = read(process.getInputStream());
        CompletableFuture<String> err = read(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    Result runOrThrow(Duration timeout, List<String> command) {
        return run(timeout, command).orThrow(command);
    }

    static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    /** A thread of its own per stream: the common pool has one thread on 2 cores, and a full pipe blocks the tool. */
    private static CompletableFuture<String> read(java.io.InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            catch (IOException e) {
                text.complete("");
            }
        }, "docker-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
