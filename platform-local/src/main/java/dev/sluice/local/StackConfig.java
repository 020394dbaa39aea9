package dev.sluice.local;

import dev.sluice.test.seata.SeataCluster;

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
 * @param tcNodes how many Seata TCs run: 1 (the default) on the file store, or more as a Raft group, member
 *                {@code n} on {@code seataPort + n - 1} and {@code seataConsolePort + n - 1}, and Raft on its
 *                console port + 2000; the TC's port must then be its console port + 1000 (the defaults are)
 * @param services the services to run, found in the root pom's modules (see {@link ServiceModule})
 * @param servicePorts each service's port, by module: its descriptor's, unless {@code --<name>-port} says otherwise
 * @param database the services' databases: {@code h2} (files in the run folder, served by an H2 server on
 *                 {@code h2Port} so that added instances share them) or {@code postgres} (one local PostgreSQL
 *                 server, the services' {@code postgres} profile)
 */
public record StackConfig(Path root, Path runDir, String javaHome, List<String> jvmOptions,
        List<String> gatewayJvmOptions, int redisPort,
        int seataPort, int seataConsolePort, int tcNodes, List<ServiceModule> services, Map<String, Integer> servicePorts,
        int gatewayPort, int gatewayManagementPort, String database, int postgresPort, int h2Port) {

    public StackConfig {
        if (tcNodes > 1 && seataPort != 0 && seataConsolePort != 0
                && seataPort != seataConsolePort + SeataCluster.TRANSACTION_PORT_OFFSET) {
            // Seata 2.0.0 reports a Raft member to clients at ports it derives from the member's Raft port.
            throw new IllegalArgumentException("with --tc-nodes above 1, --seata-port must be --seata-console-port + "
                    + SeataCluster.TRANSACTION_PORT_OFFSET + " (each member's Raft port is its console port + "
                    + SeataCluster.RAFT_PORT_OFFSET + "): Seata tells clients of a member's ports by those offsets; "
                    + "got " + seataPort + " and " + seataConsolePort);
        }
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
            Map.entry("tc-nodes", "1"),
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
            // Not H2's usual 9092: a Raft group of TCs (--tc-nodes=3) has its Raft ports at 9091-9093.
            Map.entry("h2-port", "9099"));

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
                tcNodes(value.apply("tc-nodes")), services, servicePorts, port(value, "gateway-port"),
                port(value, "gateway-management-port"), database(value.apply("database")), port(value, "postgres-port"),
                port(value, "h2-port"));
    }

    private static int tcNodes(String raw) {
        try {
            int nodes = Integer.parseInt(raw);
            if (nodes < 1 || nodes > 7) {
                throw new NumberFormatException();
            }
            return nodes;
        }
        catch (NumberFormatException e) {
            // Raft needs a majority alive: 3 members survive one loss, 5 two; more only slow every commit.
            throw new IllegalArgumentException("tc-nodes must be 1 (one TC) or the size of a Raft group of TCs, "
                    + "up to 7 (3 is the usual), got: " + raw);
        }
    }

    boolean tcCluster() {
        return tcNodes > 1;
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
        int console = seataConsolePortOrFree();
        return new StackConfig(root, runDir, javaHome, jvmOptions, gatewayJvmOptions,
                redisPort == 0 ? dev.sluice.test.process.Ports.freeBlock(6, 10_000) : redisPort,
                seataPortOrFree(console), console, tcNodes, services, ports,
                orFree(gatewayPort), orFree(gatewayManagementPort), database, orFree(postgresPort), orFree(h2Port));
    }

    private static int orFree(int port) {
        return port == 0 ? dev.sluice.test.process.Ports.free() : port;
    }

    /**
     * The console port of the (first) TC, free if it was 0. For a Raft group of TCs, free ports are chosen for the
     * whole layout at once: every member's console, transaction and Raft ports (see the constructor).
     */
    private int seataConsolePortOrFree() {
        if (tcNodes == 1 || seataConsolePort != 0) {
            return orFree(seataConsolePort);
        }
        return seataPort != 0 ? seataPort - SeataCluster.TRANSACTION_PORT_OFFSET
                : SeataCluster.freeConsolePorts(tcNodes);
    }

    /** The TC's transaction port, free if it was 0; for a Raft group, at its offset from {@code console}. */
    private int seataPortOrFree(int console) {
        if (tcNodes == 1) {
            return orFree(seataPort);
        }
        return seataPort != 0 ? seataPort : console + SeataCluster.TRANSACTION_PORT_OFFSET;
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
