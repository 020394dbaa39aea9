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
 * @param gatewayJvmOptions options for the gateway's JVM ({@code --gateway-jvm-options}): the gateway's role is
 *                          throughput, so it gets the JIT's top tier and a throughput collector, not the services'
 *                          fast-start options
 * @param services the services to run, found in the root pom's modules (see {@link ServiceModule})
 * @param servicePorts each service's port, by module: its descriptor's, unless {@code --<name>-port} says otherwise
 * @param database the services' databases: {@code h2} (files in the run folder, served by an H2 server on
 *                 {@code h2Port} so that added instances share them) or {@code postgres} (one local PostgreSQL
 *                 server, the services' {@code postgres} profile)
 */
public record StackConfig(Path root, Path runDir, String javaHome, List<String> jvmOptions,
        List<String> gatewayJvmOptions, int redisPort,
        int seataPort, int seataConsolePort, List<ServiceModule> services, Map<String, Integer> servicePorts,
        int gatewayPort, int gatewayManagementPort, String database, int postgresPort, int h2Port) {

    public StackConfig {
        services = List.copyOf(services);
        jvmOptions = List.copyOf(jvmOptions);
        gatewayJvmOptions = List.copyOf(gatewayJvmOptions);
        servicePorts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(servicePorts));
    }

    /** The gateway's JVM options unless {@code --gateway-jvm-options} says otherwise. */
    public static final String GATEWAY_JVM_OPTIONS = "-XX:+UseParallelGC -Xms512m -Xmx512m";

    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("redis-port", "7000"),
            Map.entry("seata-port", "8091"),
            Map.entry("seata-console-port", "7091"),
            Map.entry("gateway-port", "8080"),
            Map.entry("gateway-management-port", "8081"),
            // C1 only (TieredStopAtLevel=1): a service starts in about two thirds of the time, which on a laptop matters
            // more than peak throughput. bench/orders.sh passes its own options.
            Map.entry("jvm-options", "-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
            // The gateway is on every request's path: C2 and the parallel collector with a fixed heap cost it less
            // than half the CPU per request of the services' options (docs/benchmarks.md), for a second more at
            // start. bench/gateway.sh measures the gateway started with these.
            Map.entry("gateway-jvm-options", GATEWAY_JVM_OPTIONS),
            Map.entry("database", "h2"),
            Map.entry("postgres-port", "5432"),
            Map.entry("h2-port", "9092"));

    public static StackConfig from(String[] args, Map<String, String> environment) {
        Map<String, String> given = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("Expected --name=value, got: " + arg + " (--help lists the settings)");
            }
            given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        Path root = Path.of(given.getOrDefault("root", ".")).toAbsolutePath().normalize();
        List<ServiceModule> services = ServiceModule.discover(root);
        Map<String, String> defaults = new HashMap<>(DEFAULTS);
        services.forEach(service -> defaults.put(service.portSetting(), String.valueOf(service.port())));
        for (String name : given.keySet()) {
            if (!defaults.containsKey(name) && !"root".equals(name) && !"run-dir".equals(name)) {
                throw new IllegalArgumentException("Unknown setting --" + name + "; known: "
                        + new java.util.TreeSet<>(defaults.keySet()) + ", root, run-dir");
            }
        }
        java.util.function.Function<String, String> value = name -> given.getOrDefault(name,
                environment.getOrDefault("SLUICE_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), defaults.get(name)));
        Path runDir = given.containsKey("run-dir") ? Path.of(given.get("run-dir")).toAbsolutePath() : root.resolve(".local-stack");
        Map<String, Integer> servicePorts = new java.util.LinkedHashMap<>();
        services.forEach(service -> servicePorts.put(service.module(), port(value, service.portSetting())));
        return new StackConfig(root, runDir, System.getProperty("java.home"),
                options(value.apply("jvm-options")), options(value.apply("gateway-jvm-options")),
                port(value, "redis-port"), port(value, "seata-port"), port(value, "seata-console-port"),
                services, servicePorts, port(value, "gateway-port"),
                port(value, "gateway-management-port"), database(value.apply("database")), port(value, "postgres-port"),
                port(value, "h2-port"));
    }

    private static List<String> options(String raw) {
        return raw.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(raw.trim().split("\\s+")));
    }

    /** The JVM options of {@code module}'s JVMs: the gateway's own, or the services'. */
    List<String> jvmOptionsOf(String module) {
        return "platform-gateway".equals(module) ? gatewayJvmOptions : jvmOptions;
    }

    /** The port of the service {@code module}. */
    public int portOf(String module) {
        Integer port = servicePorts.get(module);
        if (port == null) {
            throw new IllegalArgumentException("No service " + module + " in " + root + "; the services are "
                    + servicePorts.keySet());
        }
        return port;
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
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        servicePorts.forEach((module, port) -> ports.put(module, orFree(port)));
        return new StackConfig(root, runDir, javaHome, jvmOptions, gatewayJvmOptions,
                redisPort == 0 ? dev.sluice.test.process.Ports.freeBlock(6, 10_000) : redisPort,
                orFree(seataPort), orFree(seataConsolePort), services, ports,
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
