package dev.sluice.local;

import dev.sluice.test.process.Ports;
import dev.sluice.test.process.ProcessReaper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole platform on loopback, started in dependency order: Redis Cluster, Seata TC, the services' databases,
 * the services found in the repository (see {@link ServiceModule}), the gateway. If one component fails, the ones
 * already started are stopped again. {@link #close()} stops everything in reverse order.
 */
public final class LocalStack implements AutoCloseable {

    private final StackConfig config;
    private final AdminToken adminToken;
    private final PrintStream out;
    private final List<Component> started = new ArrayList<>();

    public LocalStack(StackConfig config, AdminToken adminToken, PrintStream out) {
        this.config = config;
        this.adminToken = adminToken;
        this.out = out;
    }

    /**
     * Starts every component in order: the servers, the services' databases if any service has one, each service
     * of {@link StackConfig#services()} in the root pom's order, then the gateway. Throws
     * {@link ComponentFailedException} naming the one that failed.
     */
    public void start() {
        checkPortsAreFree();
        prepareLogDir();
        RedisClusterComponent redis = new RedisClusterComponent(config);
        start(redis);
        SeataComponent tc = new SeataComponent(config);
        start(tc);
        Databases databases = startDatabases();
        // The services register in the registry in the Redis Cluster; the gateway finds them there.
        for (ServiceModule service : config.services()) {
            List<String> arguments = new ArrayList<>(List.of("--sluice.tcc.tc-addresses=" + tc.address(),
                    "--spring.data.redis.cluster.nodes=" + redis.nodes()));
            Map<String, String> environment = Map.of();
            if (service.hasDatabase()) {
                arguments.addAll(databases.arguments());
                environment = databases.environment(service);
            }
            startService(service.module(), config.portOf(service.module()), arguments, environment);
        }
        List<String> gateway = new ArrayList<>(List.of(
                "--management.server.port=" + config.gatewayManagementPort(),
                "--management.server.address=127.0.0.1",
                "--spring.data.redis.cluster.nodes=" + redis.nodes(),
                "--sluice.gateway.node-id=local-gateway-1",
                "--sluice.gateway.store.state-file=" + config.runDir().resolve("gateway").resolve("last-applied.json")));
        gateway.addAll(List.of(adminToken.gatewayArguments()));
        start(new BootAppComponent("platform-gateway", config, config.gatewayPort(), config.gatewayManagementPort(), gateway));
    }

    /** Starts a service, after keeping how, so that {@code add} can start more instances of it. */
    private void startService(String service, int port, List<String> arguments, Map<String, String> environment) {
        new LaunchFile(arguments, environment).write(LaunchFile.of(config, service));
        start(new BootAppComponent(service, service, config, port, port, arguments, environment));
    }

    /**
     * H2 files in the run folder by default, served by an H2 server so that every instance of a service shares
     * them; with {@code --database=postgres}, a PostgreSQL server. Neither when no service has a database.
     */
    private Databases startDatabases() {
        if (config.services().stream().noneMatch(ServiceModule::hasDatabase)) {
            return null;
        }
        if (!config.usesPostgres()) {
            H2Component h2 = new H2Component(config);
            start(h2);
            return new Databases(List.of("--sluice.data-dir=" + config.dataDir()),
                    service -> h2.serviceEnvironment(service.database()));
        }
        PostgresComponent postgres = new PostgresComponent(config);
        start(postgres);
        return new Databases(List.of("--spring.profiles.active=postgres"),
                service -> postgres.serviceEnvironment(service.database(), service.databaseEnvPrefix()));
    }

    /** What a service needs to reach its database: arguments common to all, and its own environment. */
    private record Databases(List<String> arguments,
            java.util.function.Function<ServiceModule, Map<String, String>> environment) {

        Map<String, String> environment(ServiceModule service) {
            return environment.apply(service);
        }
    }

    private void start(Component component) {
        out.printf("starting %-26s", component.name());
        out.flush();
        long began = System.nanoTime();
        started.add(component); // so that a half-started component is stopped too
        try {
            component.start();
        }
        catch (RuntimeException e) {
            out.println("FAILED");
            throw new ComponentFailedException(component.name(), component.log(), e);
        }
        out.printf("ready in %4.1f s%n", (System.nanoTime() - began) / 1e9);
    }

    private void checkPortsAreFree() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            ports.put(config.redisPort() + i, "redis-cluster");
            ports.put(config.redisPort() + i + 10_000, "redis-cluster (cluster bus)");
        }
        ports.put(config.seataPort(), "seata-tc");
        ports.put(config.seataConsolePort(), "seata-tc (console)");
        config.servicePorts().forEach((module, port) -> ports.put(port, module));
        ports.put(config.gatewayPort(), "platform-gateway");
        ports.put(config.gatewayManagementPort(), "platform-gateway (management)");
        if (config.services().stream().anyMatch(ServiceModule::hasDatabase)) {
            ports.put(config.usesPostgres() ? config.postgresPort() : config.h2Port(),
                    config.usesPostgres() ? "postgres" : "h2");
        }
        ports.forEach((port, owner) -> {
            if (!Ports.isFree(port)) {
                throw new ComponentFailedException(owner, "-", new IllegalStateException(
                        "port " + port + " is already in use; free it or choose another (see --help)"));
            }
        });
    }

    private void prepareLogDir() {
        try {
            Files.createDirectories(config.logDir());
            try (var old = Files.list(config.logDir())) {
                for (var file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + config.logDir(), e);
        }
    }

    public List<Component> components() {
        return List.copyOf(started);
    }

    /** The started component called {@code name}, for tests that stop, kill or restart one. */
    public Component component(String name) {
        return started.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No component " + name));
    }

    public StackConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).stop();
            }
            catch (RuntimeException e) {
                out.println("could not stop " + started.get(i).name() + ": " + e.getMessage());
            }
        }
        started.clear();
        ProcessReaper.delete(config.runDir().resolve("launch"));
    }

    /** A component did not come up. */
    public static final class ComponentFailedException extends RuntimeException {

        private final String component;
        private final String log;

        ComponentFailedException(String component, String log, Throwable cause) {
            super(component + " failed to start: " + cause.getMessage(), cause);
            this.component = component;
            this.log = log;
        }

        public String component() {
            return component;
        }

        public String log() {
            return log;
        }
    }
}
