package dev.sluice.test.postgres;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;
import dev.sluice.test.process.Ports;
import dev.sluice.test.process.ProcessReaper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server on loopback, run in the foreground as a {@link ManagedProcess} so it cannot outlive the
 * JVM that started it. The first start runs {@code initdb}; later starts reuse the data folder. Connections need
 * a password (SCRAM), also the superuser's, which is generated and kept owner-only beside the data.
 * <p>
 * PostgreSQL refuses to run as root. Started by root, it runs as uid/gid 65534 (nobody) through util-linux's
 * {@code setpriv}, and its data folder is handed to that user.
 */
public final class PostgresServer implements AutoCloseable {

    private static final String SUPERUSER = "postgres";
    private static final int NOBODY = 65534;
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Builder config;
    private final Path home;
    private final Path folder;
    private final boolean ownsFolder;
    private final int port;
    private ManagedProcess process;

    private PostgresServer(Builder config) {
        this.config = config;
        this.home = PostgresBinary.locate();
        try {
            this.ownsFolder = config.folder == null;
            Path wanted = ownsFolder ? Files.createTempDirectory("sluice-postgres") : config.folder.toAbsolutePath();
            this.folder = isRoot() && !reachableByOthers(wanted) ? relocated(wanted) : wanted;
            if (ownsFolder) {
                ProcessReaper.deleteWhenDone(folder);
                if (!folder.equals(wanted)) {
                    ProcessReaper.delete(wanted);
                }
            }
            Files.createDirectories(folder);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = config.port > 0 ? config.port : Ports.free();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/" + database;
    }

    public Path log() {
        return (config.logDir != null ? config.logDir : folder).resolve("postgres.log").toAbsolutePath();
    }

    public OptionalLong pid() {
        return isRunning() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server, first creating the cluster if the folder has none; again after {@link #stop()}. */
    public PostgresServer start() {
        if (isRunning()) {
            throw new IllegalStateException("PostgreSQL is already running on port " + port);
        }
        Await.until("the previous server to release port " + port, Duration.ofSeconds(30), () -> !Ports.isListening(port));
        if (!Files.exists(dataDir().resolve("PG_VERSION"))) {
            initdb();
        }
        List<String> command = List.of(bin("postgres"), "-D", dataDir().toString(), "-p", Integer.toString(port),
                "-c", "listen_addresses=" + Ports.LOOPBACK, "-c", "unix_socket_directories=",
                "-c", "max_connections=" + config.maxConnections);
        process = ManagedProcess.start("postgres-" + port, asServerUser(command), folder, log(), Map.of("LC_ALL", "C"));
        try {
            Await.until("PostgreSQL on port " + port, config.startTimeout, process, this::acceptsConnections);
        }
        catch (RuntimeException e) {
            process.kill();
            // The log may live in a temporary folder that is gone by the time anyone reads the failure.
            throw new IllegalStateException(e.getMessage() + "; its log ends:\n" + tail(log(), 15), e);
        }
        return this;
    }

    /**
     * Creates the role {@code user} with {@code password} and the database {@code name} it owns, or sets the
     * password of a role that exists. Returns the database's JDBC URL.
     */
    public String database(String name, String user, String password) {
        requireIdentifier(name);
        requireIdentifier(user);
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            String quoted = "'" + password.replace("'", "''") + "'";
            boolean roleExists = exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", user);
            s.execute((roleExists ? "ALTER ROLE " : "CREATE ROLE ") + user + " LOGIN PASSWORD " + quoted);
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", name)) {
                s.execute("CREATE DATABASE " + name + " OWNER " + user);
            }
            return jdbcUrl(name);
        }
        catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + ": " + e.getMessage(), e);
        }
    }

    /** 128 random bits, hex-encoded: a password for a role this server gets. */
    public static String randomPassword() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A superuser connection to {@code database}, for tests that look at what the services wrote. */
    public Connection connect(String database) throws SQLException {
        return superuser(database);
    }

    /** A fast shutdown (SIGINT): open sessions are ended, and the server checkpoints before it exits. */
    public void stop() {
        if (isRunning()) {
            // If it cannot be sent, ManagedProcess.stop still ends it with SIGTERM, a slower smart shutdown.
            ManagedProcess.signal(process.pid(), "INT");
            process.stop(Duration.ofSeconds(15));
        }
    }

    /** SIGKILL: the server crashes, its backends with it; its next start recovers from the write-ahead log. */
    public void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = ProcessHandle.of(process.pid()).map(p -> p.descendants().toList()).orElse(List.of());
        process.kill();
        // Backends notice a dead postmaster only after a moment; while one lives it holds the shared memory that a
        // restart checks ("pre-existing shared memory block is still in use"), so they go down with it.
        children.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
            catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("A PostgreSQL backend (pid " + child.pid() + ") outlived SIGKILL", e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
        if (ownsFolder) {
            ProcessReaper.delete(folder);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL 127.0.0.1:" + port + (isRunning() ? "" : " (down)");
    }

    private Path dataDir() {
        return folder.resolve("data");
    }

    private Path passwordFile() {
        return folder.resolve("superuser.password");
    }

    private void initdb() {
        try {
            String password = randomPassword();
            Files.writeString(passwordFile(), password);
            Files.setPosixFilePermissions(passwordFile(), PosixFilePermissions.fromString("rw-------"));
            Files.createDirectories(dataDir());
            Files.createDirectories(log().getParent());
            // initdb reads the password from a file; it is removed again once the cluster exists.
            Path pwfile = folder.resolve("initdb.pw");
            Files.writeString(pwfile, password + "\n");
            if (isRoot()) {
                requireReachableByOthers(folder);
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setAttribute(dataDir(), "unix:uid", NOBODY);
                Files.setAttribute(dataDir(), "unix:gid", NOBODY);
                Files.setAttribute(pwfile, "unix:uid", NOBODY);
            }
            List<String> command = List.of(bin("initdb"), "-D", dataDir().toString(), "-U", SUPERUSER,
                    "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
            Process initdb = new ProcessBuilder(asServerUser(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
            boolean done = initdb.waitFor(2, TimeUnit.MINUTES);
            Files.deleteIfExists(pwfile);
            if (!done || initdb.exitValue() != 0) {
                initdb.destroyForcibly();
                throw new IllegalStateException("initdb failed; see " + log());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not create a PostgreSQL cluster in " + dataDir(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running initdb", e);
        }
    }

    private boolean acceptsConnections() {
        try (Connection c = superuser("postgres")) {
            return c.isValid(2);
        }
        catch (SQLException e) {
            return false;
        }
    }

    private Connection superuser(String database) throws SQLException {
        try {
            return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, Files.readString(passwordFile()).trim());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean exists(Connection c, String query, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(query)) {
            s.setString(1, value);
            return s.executeQuery().next();
        }
    }

    private static void requireIdentifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a plain lower-case SQL identifier: " + name);
        }
    }

    private String bin(String program) {
        return home.resolve("bin").resolve(program).toString();
    }

    private static List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        wrapped.addAll(command);
        return wrapped;
    }

    static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    /** The unprivileged server user must be able to walk down to its data. */
    private static void requireReachableByOthers(Path folder) throws IOException {
        if (!reachableByOthers(folder)) {
            throw new IllegalStateException("PostgreSQL runs as 'nobody' when started by root, and 'nobody' cannot "
                    + "reach " + folder + "; choose a data folder outside it");
        }
    }

    /** Whether every existing folder above {@code folder} lets others through (the x bit for others). */
    static boolean reachableByOthers(Path folder) throws IOException {
        for (Path p = folder.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !PosixFilePermissions.toString(Files.getPosixFilePermissions(p)).endsWith("x")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the files go when root started the server and {@code wanted} lies behind a folder 'nobody' cannot enter
     * (a clone in a home folder of mode 700, or in a {@code mktemp -d} folder): under {@code /var/tmp}, in a folder
     * named after {@code wanted}, so that a server started again for the same folder finds its data. {@code wanted}
     * is created too, with a note saying where the files are: deleting it (as a caller wanting an empty database
     * does) deletes them, as if they had been there.
     */
    static Path relocated(Path wanted) throws IOException {
        Path base = Path.of("/var/tmp", "sluice-postgres");
        Files.createDirectories(base);
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        String name = wanted.getFileName() + "-" + Integer.toHexString(wanted.toString().hashCode());
        Path folder = base.resolve(name);
        Path note = wanted.resolve("RELOCATED");
        if (!Files.exists(note)) {
            ProcessReaper.delete(folder); // whatever is there belonged to a folder that has since been deleted
            Files.createDirectories(wanted);
            Files.writeString(note, "PostgreSQL's files for this folder are in " + folder + "\n");
        }
        System.err.println("sluice: PostgreSQL runs as 'nobody', who cannot reach " + wanted + "; its files are in "
                + folder + " instead");
        return folder;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException | RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Where and how the server runs. Defaults: a free port, a temporary folder deleted on close. */
    public static final class Builder {

        private int port;
        private Path folder;
        private Path logDir;
        private int maxConnections = 100;
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Keeps the cluster in {@code folder}, so data survives a restart; it is not deleted on close. */
        public Builder folder(Path folder) {
            this.folder = folder;
            return this;
        }

        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public PostgresServer start() {
            return new PostgresServer(this).start();
        }
    }
}
