package dev.sluice.test.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.sluice.test.process.Await;

import static org.assertj.core.api.Assertions.assertThat;

class RedisFailoverTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    @Test
    void replicaTakesOverAKilledMasterAndKeepsTheDataWrittenBeforeTheKill() {
        RedisCluster cluster = REDIS.cluster();
        List<String> keys = IntStream.range(0, 100).mapToObj(i -> "failover:" + i).toList();
        try (RedisClusterClient client = RedisClusterClient.create(seeds(cluster));
             StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            keys.forEach(k -> connection.sync().set(k, "v:" + k));
        }

        RedisNode victim = cluster.masterFor("failover:0");
        List<String> victimKeys = keys.stream().filter(k -> cluster.masterFor(k) == victim).toList();
        assertThat(victimKeys).isNotEmpty();
        // Replication is asynchronous: only kill once the replica holds every key, as the test claims.
        RedisNode replica = cluster.nodes().stream().filter(n -> n != victim)
                .filter(n -> n.command(c -> c.info("replication")).contains("master_port:" + victim.port()))
                .findFirst().orElseThrow();
        Await.until("replica to hold the victim's keys", Duration.ofSeconds(10), () -> replica.command(c -> {
            c.readOnly();
            return victimKeys.stream().allMatch(k -> ("v:" + k).equals(c.get(k)));
        }));

        RedisCluster.Failover failover = cluster.killMasterAndAwaitFailover("failover:0", Duration.ofSeconds(30));

        assertThat(failover.killed().isRunning()).isFalse();
        assertThat(failover.promoted()).isSameAs(replica);
        assertThat(cluster.masters()).hasSize(3).contains(replica).doesNotContain(victim);
        try (RedisClusterClient client = RedisClusterClient.create(seeds(cluster));
             StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            keys.forEach(k -> assertThat(connection.sync().get(k)).as(k).isEqualTo("v:" + k));
        }

        cluster.restart(victim);
        String replication = victim.command(c -> c.info("replication"));
        assertThat(replication).contains("role:slave", "master_link_status:up");
    }

    private static List<RedisURI> seeds(RedisCluster cluster) {
        return cluster.nodes().stream().filter(RedisNode::isRunning)
                .map(n -> RedisURI.create("127.0.0.1", n.port())).toList();
    }
}
