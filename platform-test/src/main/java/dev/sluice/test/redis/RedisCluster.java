package dev.sluice.test.redis;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.Ports;
import dev.sluice.test.process.ProcessReaper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A real Redis Cluster on loopback: masters with replicas, formed with CLUSTER MEET / ADDSLOTS / REPLICATE and
 * checked until every slot is served and every replica is in sync. Tests use it to kill a master and watch its
 * replica take over. {@link #close()} stops every node and deletes the folders it made.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int SLOTS = 16384;

    private final Builder config;
    private final Path workDir;
    private final boolean ownsWorkDir;
    private final RedisClient adminClient = RedisClient.create();
    private final List<RedisNode> nodes = new ArrayList<>();

    private RedisCluster(Builder config) {
        this.config = config;
        try {
            this.ownsWorkDir = config.workDir == null;
            this.workDir = ownsWorkDir ? Files.createTempDirectory("sluice-redis-cluster") : config.workDir;
            if (ownsWorkDir) {
                ProcessReaper.deleteWhenDone(workDir);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the nodes and forms the cluster; returns once it is healthy. Stops what it started if it fails. */
    public RedisCluster start() {
        try {
            Path binary = RedisBinary.locate();
            int total = config.masters * (1 + config.replicasPerMaster);
            int firstPort = config.firstPort > 0 ? config.firstPort : Ports.freeBlock(total, 10_000);
            for (int i = 0; i < total; i++) {
                int port = firstPort + i;
                Path logDir = config.logDir != null ? config.logDir : workDir.resolve("logs");
                nodes.add(new RedisNode(binary, port, workDir.resolve("node-" + port), logDir.resolve("redis-" + port + ".log"),
                        config.nodeTimeout, adminClient));
            }
            nodes.parallelStream().forEach(RedisNode::start);
            form();
            awaitHealthy(config.startTimeout);
            return this;
        }
        catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void form() {
        RedisNode seed = nodes.get(0);
        nodes.stream().skip(1).forEach(n -> seed.command(c -> c.clusterMeet(Ports.LOOPBACK, n.port())));
        for (int m = 0; m < config.masters; m++) {
            int[] slots = IntStream.range(m * SLOTS / config.masters, (m + 1) * SLOTS / config.masters).toArray();
            nodes.get(m).command(c -> c.clusterAddSlots(slots));
        }
        Await.until("all Redis nodes to meet", config.startTimeout, () -> nodes.stream().allMatch(
                n -> ClusterTopology.parse(n.command(RedisCommands::clusterNodes)).entries().stream()
                        .filter(e -> !e.flags().contains("handshake")).count() == nodes.size()));
        for (int r = config.masters; r < nodes.size(); r++) {
            RedisNode replica = nodes.get(r);
            String masterId = nodes.get((r - config.masters) % config.masters).command(RedisCommands::clusterMyId);
            // The replica may not have learnt the master's id from gossip yet: retry until it has.
            Await.until(replica + " to replicate " + masterId, config.startTimeout,
                    () -> "OK".equals(replica.command(c -> c.clusterReplicate(masterId))));
        }
    }

    /** Waits until every slot is served, every node agrees, and every replica is in sync with its master. */
    public void awaitHealthy(Duration timeout) {
        Await.until("Redis Cluster healthy (" + nodes + ")", timeout, this::isHealthy);
    }

    private boolean isHealthy() {
        for (RedisNode node : nodes) {
            if (!node.isRunning()) {
                return false;
            }
            String info = node.command(RedisCommands::clusterInfo);
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:" + SLOTS)
                    || !info.contains("cluster_known_nodes:" + nodes.size())) {
                return false;
            }
            ClusterTopology view = ClusterTopology.parse(node.command(RedisCommands::clusterNodes));
            if (view.entries().stream().anyMatch(e -> e.isFailed() || !e.connected() && !e.flags().contains("myself"))) {
                return false;
            }
            ClusterTopology.Entry self = view.byPort(node.port());
            if (!self.isMaster() && !node.command(c -> c.info("replication")).contains("master_link_status:up")) {
                return false;
            }
            long masters = view.entries().stream().filter(ClusterTopology.Entry::isMaster).count();
            if (masters != config.masters) {
                return false;
            }
        }
        return true;
    }

    /** All nodes as {@code host:port}, comma-separated: the value for {@code spring.data.redis.cluster.nodes}. */
    public String nodeAddresses() {
        return nodes.stream().map(RedisNode::address).collect(Collectors.joining(","));
    }

    /** The folder holding every node's data; temporary unless {@link Builder#workDir} chose one. */
    public Path workDir() {
        return workDir;
    }

    public List<RedisNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The running masters, in port order, as the cluster currently sees them. */
    public List<RedisNode> masters() {
        ClusterTopology view = topology();
        return nodes.stream().filter(RedisNode::isRunning)
                .filter(n -> view.byPort(n.port()) != null && view.byPort(n.port()).isMaster())
                .sorted(Comparator.comparingInt(RedisNode::port)).toList();
    }

    /** The master that currently serves {@code key}. */
    public RedisNode masterFor(String key) {
        ClusterTopology.Entry master = topology().masterOf(SlotHash.getSlot(key));
        if (master == null) {
            throw new IllegalStateException("No healthy master serves the slot of " + key);
        }
        return node(master.port());
    }

    /**
     * Kills (SIGKILL) the master serving {@code key} and waits until one of its replicas has been promoted and
     * every surviving node agrees. Returns what happened.
     */
    public Failover killMasterAndAwaitFailover(String key, Duration timeout) {
        int slot = SlotHash.getSlot(key);
        ClusterTopology view = topology();
        ClusterTopology.Entry master = view.masterOf(slot);
        List<Integer> replicaPorts = view.entries().stream().filter(e -> master.id().equals(e.masterId()))
                .map(ClusterTopology.Entry::port).toList();
        RedisNode victim = node(master.port());
        long killedAt = System.nanoTime();
        victim.kill();
        Await.until("a replica of " + victim + " to take over slot " + slot, timeout, () -> survivors().allMatch(n -> {
            ClusterTopology.Entry now = ClusterTopology.parse(n.command(RedisCommands::clusterNodes)).masterOf(slot);
            return now != null && replicaPorts.contains(now.port())
                    && n.command(RedisCommands::clusterInfo).contains("cluster_state:ok");
        }));
        RedisNode promoted = node(topology().masterOf(slot).port());
        return new Failover(victim, promoted, Duration.ofNanos(System.nanoTime() - killedAt));
    }

    /** Starts a killed node again on its folder; it rejoins as a replica. Waits for the cluster to be healthy. */
    public void restart(RedisNode node) {
        node.start();
        awaitHealthy(config.startTimeout);
    }

    /** What {@link #killMasterAndAwaitFailover} did: the node killed, the replica promoted, and how long it took. */
    public record Failover(RedisNode killed, RedisNode promoted, Duration took) {
    }

    private ClusterTopology topology() {
        RedisNode any = survivors().findFirst().orElseThrow(() -> new IllegalStateException("No Redis node is running"));
        return ClusterTopology.parse(any.command(RedisCommands::clusterNodes));
    }

    private Stream<RedisNode> survivors() {
        return nodes.stream().filter(RedisNode::isRunning);
    }

    private RedisNode node(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        nodes.parallelStream().forEach(RedisNode::stop);
        adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (ownsWorkDir) {
            ProcessReaper.delete(workDir);
        }
    }

    /** Cluster shape and placement. Defaults: 3 masters, 1 replica each, random free ports, a temporary folder. */
    public static final class Builder {

        private int masters = 3;
        private int replicasPerMaster = 1;
        private int firstPort;
        private Duration nodeTimeout = Duration.ofMillis(2000);
        private Duration startTimeout = Duration.ofSeconds(60);
        private Path workDir;
        private Path logDir;

        private Builder() {
        }

        public Builder masters(int masters) {
            this.masters = masters;
            return this;
        }

        public Builder replicasPerMaster(int replicasPerMaster) {
            this.replicasPerMaster = replicasPerMaster;
            return this;
        }

        /** Nodes take consecutive ports from here (each also needs its port + 10000). 0 picks a free block. */
        public Builder firstPort(int firstPort) {
            this.firstPort = firstPort;
            return this;
        }

        /** Redis's {@code cluster-node-timeout}: how soon a silent master is failed over. */
        public Builder nodeTimeout(Duration nodeTimeout) {
            this.nodeTimeout = nodeTimeout;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Keeps node folders here instead of a temporary folder that is deleted on close. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Writes each node's log to {@code logDir/redis-<port>.log}; by default they go under the work folder. */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        public RedisCluster build() {
            return new RedisCluster(this);
        }

        public RedisCluster start() {
            return build().start();
        }
    }
}
