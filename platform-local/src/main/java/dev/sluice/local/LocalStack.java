package dev.sluice.local;

import dev.sluice.test.process.Ports;
import dev.sluice.test.process.ProcessReaper;
import dev.sluice.test.seata.SeataCluster;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole platform on loopback, started in two waves: Redis Cluster, Seata TC and the services' databases, then
 * the services found in the repository (see {@link ServiceModule}) and the gateway. If one component fails, the ones
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
     * Starts every component in two waves, each wave's components side by side: the servers (Redis Cluster, Seata TC
     * and, if any service has one, the services' databases), then each service of {@link StackConfig#services()} and
     * the gateway. Nothing in the second wave needs another part of it to start: a service finds the others through
     * the registry only when it calls them. Throws {@link ComponentFailedException} naming the one that failed.
     */
    public void start() {
        checkPortsAreFree();
        prepareLogDir();
        RedisClusterComponent redis = new RedisClusterComponent(config);
        CoordinatorComponent tc = config.tcCluster() ? new SeataClusterComponent(config) : new SeataComponent(config);
        Databases databases = databases();
        List<Component> servers = new ArrayList<>(List.of(redis, tc));
        if (databases != null) {
            servers.add(databases.server());
        }
        startTogether(servers, started, out);
        List<Component> applications = new ArrayList<>();
        // The services register in the registry in the Redis Cluster; the gateway finds them there.
        for (ServiceModule service : config.services()) {
            List<String> arguments = new ArrayList<>(List.of(tc.serviceArgument(),
                    "--spring.data.redis.cluster.nodes=" + redis.nodes()));
            Map<String, String> environment = Map.of();
            if (service.hasDatabase()) {
                arguments.addAll(databases.arguments());
                environment = databases.environment(service);
            }
            applications.add(service(service.module(), config.portOf(service.module()), arguments, environment));
        }
        List<String> gateway = new ArrayList<>(List.of(
                "--management.server.port=" + config.gatewayManagementPort(),
                "--management.server.address=127.0.0.1",
                "--spring.data.redis.cluster.nodes=" + redis.nodes(),
                "--sluice.gateway.node-id=local-gateway-1",
                "--sluice.gateway.store.state-file=" + config.runDir().resolve("gateway").resolve("last-applied.json")));
        gateway.addAll(List.of(adminToken.gatewayArguments()));
        applications.add(new BootAppComponent("platform-gateway", config, config.gatewayPort(),
                config.gatewayManagementPort(), gateway));
        startTogether(applications, started, out);
    }

    /** A service's component, after keeping how it is started, so that {@code add} can start more instances. */
    private BootAppComponent service(String service, int port, List<String> arguments, Map<String, String> environment) {
        new LaunchFile(arguments, environment).write(LaunchFile.of(config, service));
        return new BootAppComponent(service, service, config, port, port, arguments, environment);
    }

    /**
     * H2 files in the run folder by default, served by an H2 server so that every instance of a service shares
     * them; with {@code --database=postgres}, a PostgreSQL server. Neither when no service has a database.
     */
    private Databases databases() {
        if (config.services().stream().noneMatch(ServiceModule::hasDatabase)) {
            return null;
        }
        if (!config.usesPostgres()) {
            H2Component h2 = new H2Component(config);
            return new Databases(h2, List.of("--sluice.data-dir=" + config.dataDir()),
                    service -> h2.serviceEnvironment(service.database()));
        }
        PostgresComponent postgres = new PostgresComponent(config);
        return new Databases(postgres, List.of("--spring.profiles.active=postgres"),
                service -> postgres.serviceEnvironment(service.database(), service.databaseEnvPrefix()));
    }

    /** The database server, and what a service needs to reach it: arguments common to all, and its own environment. */
    private record Databases(Component server, List<String> arguments,
            java.util.function.Function<ServiceModule, Map<String, String>> environment) {

        Map<String, String> environment(ServiceModule service) {
            return environment.apply(service);
        }
    }

    /**
     * Starts {@code components} side by side and returns once all are ready, first adding them to {@code started}
     * (what a close stops). If any fails, waits for the others to be done starting (so that none is left
     * half-started behind {@link #close()}), then throws {@link ComponentFailedException} for the first one.
     */
    static void startTogether(List<Component> components, List<Component> started, PrintStream out) {
        for (Component component : components) {
            out.printf("starting %s%n", component.name());
            started.add(component); // so that a half-started component is stopped too
        }
        out.flush();
        ExecutorService starters = Executors.newFixedThreadPool(components.size(), runnable -> {
            Thread thread = new Thread(runnable, "local-stack-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> starting = components.stream().<Future<?>>map(c -> starters.submit(() -> start(c, out))).toList();
            RuntimeException first = null;
            for (Future<?> one : starting) {
                try {
                    one.get();
                }
                catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException failed ? failed
                                : new IllegalStateException(e.getCause());
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the stack was starting", e);
        }
        finally {
            starters.shutdownNow();
        }
    }

    private static void start(Component component, PrintStream out) {
        long began = System.nanoTime();
        try {
            component.start();
        }
        catch (RuntimeException e) {
            out.printf("%-26s FAILED%n", component.name());
            throw new ComponentFailedException(component.name(), component.log(), e);
        }
        out.printf("%-26s ready in %4.1f s%n", component.name(), (System.nanoTime() - began) / 1e9);
    }

    private void checkPortsAreFree() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            want(ports, config.redisPort() + i, "redis-cluster");
            want(ports, config.redisPort() + i + 10_000, "redis-cluster (cluster bus)");
        }
        if (!config.tcCluster()) {
            want(ports, config.seataPort(), "seata-tc");
            want(ports, config.seataConsolePort(), "seata-tc (console)");
        }
        for (int node = 1; config.tcCluster() && node <= config.tcNodes(); node++) {
            int console = config.seataConsolePort() + node - 1;
            want(ports, console, "seata-tc-" + node + " (console)");
            want(ports, console + SeataCluster.TRANSACTION_PORT_OFFSET, "seata-tc-" + node);
            want(ports, console + SeataCluster.RAFT_PORT_OFFSET, "seata-tc-" + node + " (raft)");
        }
        config.servicePorts().forEach((module, port) -> want(ports, port, module));
        want(ports, config.gatewayPort(), "platform-gateway");
        want(ports, config.gatewayManagementPort(), "platform-gateway (management)");
        if (config.services().stream().anyMatch(ServiceModule::hasDatabase)) {
            want(ports, config.usesPostgres() ? config.postgresPort() : config.h2Port(),
                    config.usesPostgres() ? "postgres" : "h2");
        }
        ports.forEach((port, owner) -> {
            if (!Ports.isFree(port)) {
                throw new ComponentFailedException(owner, "-", new IllegalStateException(
                        "port " + port + " is already in use; free it or choose another (see --help)"));
            }
        });
    }

    /** Notes that {@code owner} will listen on {@code port}, refusing a port two parts of the stack were given. */
    private static void want(Map<Integer, String> ports, int port, String owner) {
        String other = ports.putIfAbsent(port, owner);
        if (other != null) {
            throw new ComponentFailedException(owner, "-", new IllegalStateException("port " + port
                    + " is set for both " + other + " and " + owner + "; give one of them another (see --help)"));
        }
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
