package dev.sluice.local;

import dev.sluice.test.postgres.PostgresServer;

import java.util.List;
import java.util.Map;

/**
 * PostgreSQL for {@code --database=postgres}: one server, a database and a role per service. Its data is kept in
 * the run folder, so it survives a restart of the stack like the H2 files do.
 */
final class PostgresComponent implements Component {

    private final PostgresServer.Builder builder;
    private final List<String> databases;
    private PostgresServer server;

    PostgresComponent(StackConfig config) {
        this.builder = PostgresServer.builder().port(config.postgresPort()).folder(config.dataDir().resolve("postgres"))
                .logDir(config.logDir());
        this.databases = config.services().stream().filter(ServiceModule::hasDatabase).map(ServiceModule::database)
                .toList();
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void start() {
        server = builder.start();
    }

    /**
     * Creates (or reuses) the database and role {@code name}, with a new password each start, and returns the
     * environment of the service's {@code postgres} profile: {@code <prefix>_DB_URL}, {@code _USER} and
     * {@code _PASSWORD}. The password goes in the environment, not on a command line that {@code ps} shows.
     */
    Map<String, String> serviceEnvironment(String name, String prefix) {
        String password = PostgresServer.randomPassword();
        String url = server.database(name, name, password);
        return Map.of(prefix + "_DB_URL", url, prefix + "_DB_USER", name, prefix + "_DB_PASSWORD", password);
    }

    PostgresServer server() {
        return server;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public void kill() {
        server.kill();
    }

    @Override
    public String url() {
        return "postgresql://127.0.0.1:" + server.port() + " (databases " + String.join(", ", databases) + ")";
    }

    @Override
    public String log() {
        return server.log().toString();
    }

    @Override
    public List<Long> pids() {
        return server.pid().stream().boxed().toList();
    }
}
