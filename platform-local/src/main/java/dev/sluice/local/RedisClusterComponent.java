package dev.sluice.local;

import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisNode;

import java.util.List;

/** The six-node Redis Cluster (3 masters, 3 replicas), its data in a temporary folder deleted on stop. */
final class RedisClusterComponent implements Component {

    private final RedisCluster.Builder builder;
    private RedisCluster cluster;

    RedisClusterComponent(StackConfig config) {
        this.builder = RedisCluster.builder().firstPort(config.redisPort()).logDir(config.logDir())
                .nodeTimeout(java.time.Duration.ofSeconds(5));
    }

    @Override
    public String name() {
        return "redis-cluster";
    }

    @Override
    public void start() {
        cluster = builder.start();
    }

    @Override
    public void kill() {
        throw new UnsupportedOperationException("kill one node instead: see RedisCluster.killMasterAndAwaitFailover");
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** {@code host:port,host:port,...}: the value for {@code spring.data.redis.cluster.nodes}. */
    String nodes() {
        return cluster.nodeAddresses();
    }

    @Override
    public String url() {
        List<RedisNode> nodes = cluster.nodes();
        return "redis://127.0.0.1:" + nodes.get(0).port() + "-" + nodes.get(nodes.size() - 1).port();
    }

    @Override
    public String log() {
        return cluster.nodes().get(0).log().getParent().resolve("redis-*.log").toString();
    }

    @Override
    public List<Long> pids() {
        return cluster.nodes().stream().flatMapToLong(n -> n.pid().stream()).boxed().toList();
    }
}
