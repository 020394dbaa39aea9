package dev.sluice.test.seata;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;
import dev.sluice.test.process.Ports;
import dev.sluice.test.process.ProcessReaper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A real Seata TC ({@code io.seata:seata-server:2.0.0}) in its own JVM, with the file store, bound to loopback.
 * Its classpath was resolved by the build (module {@code platform-seata-server}). It can be stopped and started
 * again on the same store, which is how tests make the TC restart mid-transaction. As a member of a Raft group
 * ({@link Builder#raft}) its store is the group's replicated log instead; {@link SeataCluster} starts such groups.
 */
public final class SeataServer implements AutoCloseable {

    private static final String CLASSPATH_RESOURCE = "META-INF/sluice/seata-server.classpath";
    private static final String MAIN_CLASS = "io.seata.server.ServerApplication";

    private final Builder config;
    private final Path workDir;
    private final boolean ownsWorkDir;
    private final int port;
    private final int consolePort;
    private ManagedProcess process;

    private SeataServer(Builder config) {
        this.config = config;
        try {
            this.ownsWorkDir = config.workDir == null;
            this.workDir = ownsWorkDir ? Files.createTempDirectory("sluice-seata") : config.workDir;
            if (ownsWorkDir) {
                ProcessReaper.deleteWhenDone(workDir);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = config.port > 0 ? config.port : Ports.free();
        this.consolePort = config.consolePort > 0 ? config.consolePort : Ports.free();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TC's transaction service port, the one clients connect to. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}: the value for a client's grouplist. */
    public String address() {
        return Ports.LOOPBACK + ":" + port;
    }

    /** The TC's HTTP console port, which also answers Seata's Raft registry ({@code /metadata/v1/cluster}). */
    public int consolePort() {
        return consolePort;
    }

    /** The TC's own log (stdout and stderr of its JVM). */
    public Path log() {
        return (config.logDir != null ? config.logDir : workDir).resolve(config.logName).toAbsolutePath();
    }

    /** The TC JVM's process id while it runs. */
    public java.util.OptionalLong pid() {
        return isRunning() ? java.util.OptionalLong.of(process.pid()) : java.util.OptionalLong.empty();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the TC, or starts it again on the same store after {@link #stop()} or {@link #kill()}. */
    public SeataServer start() {
        if (isRunning()) {
            throw new IllegalStateException("The TC is already running on " + address());
        }
        Await.until("the previous TC to release port " + port, Duration.ofSeconds(30), () -> !Ports.isListening(port));
        process = ManagedProcess.start("seata-tc-" + port, command(), workDir, log(), Map.of());
        try {
            Await.until("the Seata TC on " + address(), config.startTimeout, process, () -> Ports.isListening(port));
        }
        catch (RuntimeException e) {
            process.kill();
            throw e;
        }
        return this;
    }

    /** A graceful stop (SIGTERM): the TC flushes its store. */
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(15));
        }
    }

    /** SIGKILL: the TC crashes and keeps only what its file store had written. */
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(config.javaHome, "bin", "java").toString());
        command.addAll(config.jvmArgs);
        command.add("-Dserver.port=" + consolePort);
        // The console. A Raft member's is also the clients' registry, found at the address the group reports for
        // it: its Raft host. The RPC port binds all interfaces (hard-coded in 2.0.0).
        command.add("-Dserver.address=" + (config.raft == null ? Ports.LOOPBACK : config.raft.host()));
        command.add("-Dseata.store.file.dir=" + workDir.resolve("store"));
        // Sync: the TC acknowledges a begin or a branch registration only once it is on disk (async is the default).
        command.add("-Dseata.store.file.flush-disk-mode=sync");
        // A session left in Committing by a TC that died mid-commit is retried only once it is this old (Seata's
        // default is 130 s). Keep it above the clients' global transaction timeout, so a live commit is never retried.
        command.add("-Dseata.server.retry-dead-threshold=" + config.retryDeadThreshold.toMillis());
        // The console's login and the key its tokens are signed with: Seata ships fixed ones (seata/seata and a
        // published key), which would let anyone who reaches the console act on transactions. Nothing here logs in.
        command.add("-Dconsole.user.username=sluice");
        command.add("-Dconsole.user.password=" + randomHex(16));
        command.add("-Dseata.security.secretKey=" + randomHex(32));
        command.add("-Dlog.home=" + workDir.resolve("logs"));
        // The TC logs every message it receives at INFO; WARN keeps failures and drops that per-request cost.
        command.add("-Dlogging.level.io.seata=" + config.logLevel);
        command.add("-Duser.home=" + workDir);
        Raft raft = config.raft;
        if (raft != null) {
            // Also as configuration, not only -m below: the members report it to clients, whose Raft registry sends
            // everything to the leader only when the mode it reads is raft.
            command.add("-Dseata.store.mode=raft");
            command.add("-Dseata.server.raft.server-addr=" + String.join(",", raft.peers()));
            command.add("-Dserver.raftPort=" + raft.port());
            command.add("-Dseata.server.raft.election-timeout-ms=" + raft.electionTimeout().toMillis());
        }
        command.add("@" + writeClasspathArgFile());
        command.add(MAIN_CLASS);
        // The TC's own parser rejects --spring.x=y arguments: Spring settings go in as -D above.
        command.addAll(List.of("-p", Integer.toString(port)));
        if (raft == null) {
            command.addAll(List.of("-m", "file", "-h", Ports.LOOPBACK));
        }
        else {
            // A Raft member names itself by the address in -h, which must be the one in the peer list: 2.0.0
            // refuses loopback there. -n makes each member's transaction ids distinct from the others'.
            command.addAll(List.of("-m", "raft", "-h", raft.host(), "-n", Integer.toString(raft.node())));
        }
        return command;
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }

    /** The classpath is about 230 jars, so it goes in a java @argfile rather than on the command line. */
    private Path writeClasspathArgFile() {
        String classpath = resolveClasspath();
        Path argFile = workDir.resolve("classpath.args");
        try {
            Files.writeString(argFile, "-cp \"" + classpath + "\"\n");
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return argFile;
    }

    static String resolveClasspath() {
        try (InputStream in = SeataServer.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is not on the classpath: build the "
                        + "platform-seata-server module first (./mvnw -B install -DskipTests)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<String> missing = Arrays.stream(classpath.split(":")).filter(p -> !Files.exists(Path.of(p))).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException(missing.size() + " Seata server jars are missing from the local Maven "
                        + "repository (first: " + missing.get(0) + "); rebuild platform-seata-server");
            }
            return classpath;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        if (ownsWorkDir) {
            ProcessReaper.delete(workDir);
        }
    }

    @Override
    public String toString() {
        return "Seata TC " + address() + (config.raft == null ? "" : " (console " + consolePort + ", Raft "
                + config.raft.port() + ")") + (isRunning() ? "" : " (down)");
    }

    /**
     * Membership of a Raft group of TCs (Seata 2.0.0's {@code store.mode=raft}).
     *
     * @param host the address this member listens and is known on, the same in every member's peer list
     * @param port this member's Raft port
     * @param peers every member's {@code host:raftPort}, this one included
     * @param node this member's number (1, 2, ...), which keeps its transaction ids apart from the others'
     * @param electionTimeout how long followers wait for the leader before electing another
     */
    public record Raft(String host, int port, List<String> peers, int node, Duration electionTimeout) {

        public Raft {
            peers = List.copyOf(peers);
            if (!peers.contains(host + ":" + port)) {
                throw new IllegalArgumentException(host + ":" + port + " is not among the peers " + peers);
            }
        }
    }

    /** Where and how the TC runs. Defaults: free ports, a temporary folder, this JVM's Java. */
    public static final class Builder {

        private int port;
        private int consolePort;
        private Path workDir;
        private Path logDir;
        private String logName = "seata-tc.log";
        private String javaHome = System.getProperty("java.home");
        private List<String> jvmArgs = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC");
        private Duration startTimeout = Duration.ofSeconds(90);
        private String logLevel = "WARN";
        private Duration retryDeadThreshold = Duration.ofSeconds(40);
        private Raft raft;

        private Builder() {
        }

        /** Makes this TC a member of a Raft group instead of a file-store TC on its own. */
        public Builder raft(Raft raft) {
            this.raft = raft;
            return this;
        }

        /** How old a session stuck mid-commit must be before the TC retries it; above the clients' timeout. */
        public Builder retryDeadThreshold(Duration retryDeadThreshold) {
            this.retryDeadThreshold = retryDeadThreshold;
            return this;
        }

        /** The TC's log level for its own classes (io.seata); INFO logs every message it handles. */
        public Builder logLevel(String logLevel) {
            this.logLevel = logLevel;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The TC's HTTP console port (Spring's server.port inside the TC). */
        public Builder consolePort(int consolePort) {
            this.consolePort = consolePort;
            return this;
        }

        /** Keeps the store and logs here instead of a temporary folder deleted on close. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Writes the TC's log to {@code logDir/seata-tc.log}; by default it goes in the work folder. */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** The log's file name in its folder, {@code seata-tc.log} unless this says otherwise. */
        public Builder logName(String logName) {
            this.logName = logName;
            return this;
        }

        public Builder javaHome(String javaHome) {
            this.javaHome = javaHome;
            return this;
        }

        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs = List.copyOf(jvmArgs);
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public SeataServer build() {
            return new SeataServer(this);
        }

        public SeataServer start() {
            SeataServer server = build();
            try {
                return server.start();
            }
            catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }
}
