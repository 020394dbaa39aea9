package dev.sluice.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the local stack runs. Each setting comes from {@code --name=value}, else from the environment variable
 * {@code SLUICE_NAME} (upper case, dashes as underscores), else the default. A port of 0 picks a free one.
 *
 * @param root the repository checkout, where the service jars are built
 * @param runDir where logs go ({@code --run-dir}, by default {@code <root>/.local-stack})
 * @param javaHome the JDK the services run on: this launcher's, which honours {@code JAVA_HOME}
 * @param jvmOptions options for every service JVM ({@code --jvm-options} or {@code SLUICE_JVM_OPTIONS})
 * @param database the services' databases: {@code h2} (files in the run folder, served by an H2 server on
 *                 {@code h2Port} so that added instances share them) or {@code postgres} (one local PostgreSQL
 *                 server, the services' {@code postgres} profile)
 */
public record StackConfig(Path root, Path runDir, String javaHome, List<String> jvmOptions, int redisPort,
        int seataPort, int seataConsolePort, int inventoryPort, int orderPort, int gatewayPort,
        int gatewayManagementPort, String database, int postgresPort, int h2Port) {

    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("redis-port", "7000"),
            Map.entry("seata-port", "8091"),
            Map.entry("seata-console-port", "7091"),
            Map.entry("inventory-port", "8102"),
            Map.entry("order-port", "8101"),
            Map.entry("gateway-port", "8080"),
            Map.entry("gateway-management-port", "8081"),
            Map.entry("jvm-options", "-Xms64m -Xmx384m -XX:+UseSerialGC"),
            Map.entry("database", "h2"),
            Map.entry("postgres-port", "5432"),
            Map.entry("h2-port", "9092"));

    public static StackConfig from(String[] args, Map<String, String> environment) {
        Map<String, String> given = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("Expected --name=value, got: " + arg + " (--help lists the settings)");
            }
            String name = arg.substring(2, arg.indexOf('='));
            if (!DEFAULTS.containsKey(name) && !"root".equals(name) && !"run-dir".equals(name)) {
                throw new IllegalArgumentException("Unknown setting --" + name + "; known: " + DEFAULTS.keySet()
                        + ", root, run-dir");
            }
            given.put(name, arg.substring(arg.indexOf('=') + 1));
        }
        java.util.function.Function<String, String> value = name -> given.getOrDefault(name,
                environment.getOrDefault("SLUICE_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), DEFAULTS.get(name)));
        Path root = Path.of(given.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path runDir = given.containsKey("run-dir") ? Path.of(given.get("run-dir")).toAbsolutePath() : root.resolve(".local-stack");
        return new StackConfig(root, runDir, System.getProperty("java.home"),
                new ArrayList<>(Arrays.asList(value.apply("jvm-options").trim().split("\\s+"))),
                port(value, "redis-port"), port(value, "seata-port"), port(value, "seata-console-port"),
                port(value, "inventory-port"), port(value, "order-port"), port(value, "gateway-port"),
                port(value, "gateway-management-port"), database(value.apply("database")), port(value, "postgres-port"),
                port(value, "h2-port"));
    }

    private static String database(String raw) {
        if (!raw.equals("h2") && !raw.equals("postgres")) {
            throw new IllegalArgumentException("database must be h2 or postgres, got: " + raw);
        }
        return raw;
    }

    boolean usesPostgres() {
        return database.equals("postgres");
    }

    private static int port(java.util.function.Function<String, String> value, String name) {
        String raw = value.apply(name);
        try {
            int port = Integer.parseInt(raw);
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number (0 picks a free one), got: " + raw);
        }
    }

    /** This config with every port given as 0 replaced by a free one. */
    StackConfig withFreePortsForZeros() {
        return new StackConfig(root, runDir, javaHome, jvmOptions,
                redisPort == 0 ? dev.sluice.test.process.Ports.freeBlock(6, 10_000) : redisPort,
                orFree(seataPort), orFree(seataConsolePort), orFree(inventoryPort), orFree(orderPort),
                orFree(gatewayPort), orFree(gatewayManagementPort), database, orFree(postgresPort), orFree(h2Port));
    }

    private static int orFree(int port) {
        return port == 0 ? dev.sluice.test.process.Ports.free() : port;
    }

    /** Where the services keep their H2 databases (or PostgreSQL its), so data survives a restart of the stack. */
    Path dataDir() {
        return runDir.resolve("data");
    }

    Path logDir() {
        return runDir.resolve("logs");
    }

    /** The executable jar a module's build produced. */
    Path jarOf(String module) {
        return root.resolve(module).resolve("target").resolve(module + ".jar");
    }
}
