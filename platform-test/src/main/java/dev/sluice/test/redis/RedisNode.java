package dev.sluice.test.redis;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;
import dev.sluice.test.process.Ports;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One {@code redis-server} in cluster mode, with its own folder, config and log. */
public final class RedisNode {

    private final Path binary;
    private final int port;
    private final Path dir;
    private final Duration nodeTimeout;
    private final Path log;
    private final RedisClient client;
    private ManagedProcess process;

    RedisNode(Path binary, int port, Path dir, Path log, Duration nodeTimeout, RedisClient client) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.log = log.toAbsolutePath();
        this.nodeTimeout = nodeTimeout;
        this.client = client;
    }

    public int port() {
        return port;
    }

    public String address() {
        return Ports.LOOPBACK + ":" + port;
    }

    public Path log() {
        return log;
    }

    /** The node's process id while it runs. */
    public java.util.OptionalLong pid() {
        return isRunning() ? java.util.OptionalLong.of(process.pid()) : java.util.OptionalLong.empty();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the node (again, after a kill, on the same folder and cluster config) and waits for PING. */
    void start() {
        writeConfig();
        process = ManagedProcess.start("redis-" + port, List.of(binary.toString(), dir.resolve("redis.conf").toString()),
                dir, log, Map.of());
        Await.until("redis-server on port " + port, Duration.ofSeconds(20), process,
                () -> "PONG".equals(command(RedisCommands::ping)));
    }

    /** SIGKILL: the node vanishes the way a crashed host does. */
    void kill() {
        if (process != null) {
            process.kill();
        }
    }

    void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(5));
        }
    }

    /** Runs one command on this node alone (not routed through the cluster). */
    public <T> T command(Function<RedisCommands<String, String>, T> command) {
        RedisURI uri = RedisURI.builder().withHost(Ports.LOOPBACK).withPort(port).withTimeout(Duration.ofSeconds(2)).build();
        try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
            return command.apply(connection.sync());
        }
    }

    private void writeConfig() {
        String config = String.join("\n",
                "port " + port,
                "bind " + Ports.LOOPBACK,
                "protected-mode no",
                "daemonize no",
                "dir " + dir.toAbsolutePath(),
                // Empty: the server logs to stdout, which ManagedProcess appends to the log file.
                "logfile \"\"",
                "cluster-enabled yes",
                "cluster-config-file nodes.conf",
                "cluster-node-timeout " + nodeTimeout.toMillis(),
                // Keep serving the slots of healthy masters while one master is failing over.
                "cluster-require-full-coverage no",
                // A replica may always take over, however long it was cut off.
                "cluster-replica-validity-factor 0",
                // Replication is the durability here; no disk snapshots to slow tests down.
                "save \"\"",
                "appendonly no",
                "");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("redis.conf"), config);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "redis " + address() + (isRunning() ? "" : " (down)");
    }
}
