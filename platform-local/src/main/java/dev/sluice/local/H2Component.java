package dev.sluice.local;

import org.h2.tools.Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The services' H2 databases ({@code --database=h2}, the default), served over TCP on loopback from files in the
 * run folder, so that every instance of a service, the ones {@code add} starts included, shares one database. It
 * runs inside the launcher and stops with it, after the services.
 */
final class H2Component implements Component {

    private final StackConfig config;
    private Server server;

    H2Component(StackConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public void start() {
        try {
            Path dataDir = Files.createDirectories(config.dataDir());
            // Loopback only (no -tcpAllowOthers); -ifNotExists lets a service create its database on first start.
            server = Server.createTcpServer("-tcpPort", String.valueOf(config.h2Port()), "-baseDir",
                    dataDir.toString(), "-ifNotExists").start();
        }
        catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("Could not start the H2 server on port " + config.h2Port(), e);
        }
    }

    /**
     * The environment that points {@code database} of a service at this server. WRITE_DELAY=0: a commit reaches the
     * file before it is acknowledged, so a crashed service never loses a TCC try it reported.
     */
    Map<String, String> serviceEnvironment(String database) {
        return Map.of("SPRING_DATASOURCE_URL",
                "jdbc:h2:tcp://127.0.0.1:" + config.h2Port() + "/" + database + ";WRITE_DELAY=0");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    @Override
    public void kill() {
        stop();
    }

    @Override
    public String url() {
        return "jdbc:h2:tcp://127.0.0.1:" + config.h2Port() + " (" + config.dataDir() + ")";
    }

    @Override
    public String log() {
        return "-";
    }

    @Override
    public List<Long> pids() {
        return List.of(ProcessHandle.current().pid());
    }
}
