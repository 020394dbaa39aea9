package dev.sluice.test.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RedisClusterTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension();

    static RedisClusterClient client;
    static StatefulRedisClusterConnection<String, String> connection;

    @BeforeAll
    static void connect() {
        List<RedisURI> seeds = REDIS.cluster().nodes().stream()
                .map(n -> RedisURI.create("127.0.0.1", n.port())).toList();
        client = RedisClusterClient.create(seeds);
        connection = client.connect();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Test
    void formsThreeMastersEachWithAReplicaInSync() {
        assertThat(REDIS.cluster().nodes()).hasSize(6);
        assertThat(REDIS.cluster().masters()).hasSize(3);
        String info = REDIS.cluster().nodes().get(0).command(c -> c.clusterInfo());
        assertThat(info).contains("cluster_state:ok", "cluster_slots_ok:16384", "cluster_size:3");
        long syncedReplicas = REDIS.cluster().nodes().stream()
                .map(n -> n.command(c -> c.info("replication")))
                .filter(r -> r.contains("role:slave") && r.contains("master_link_status:up")).count();
        assertThat(syncedReplicas).isEqualTo(3);
    }

    @Test
    void commandsWithKeysInDifferentSlotsReachAllThreeMasters() {
        RedisAdvancedClusterCommands<String, String> redis = connection.sync();
        Map<String, RedisNode> ownerOf = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "spine:key:" + i;
            redis.set(key, "value-" + i);
            ownerOf.put(key, REDIS.cluster().masterFor(key));
        }

        Set<Integer> slots = ownerOf.keySet().stream().map(SlotHash::getSlot).collect(Collectors.toSet());
        assertThat(slots).hasSizeGreaterThan(50);
        assertThat(ownerOf.values().stream().map(RedisNode::port).distinct()).hasSize(3);

        // Each key is really stored on the master that owns its slot: ask that node alone, unrouted.
        ownerOf.forEach((key, master) -> {
            String stored = master.command(c -> c.get(key));
            assertThat(stored).isEqualTo("value-" + key.substring(key.lastIndexOf(':') + 1));
        });
        IntStream.range(0, 60).forEach(i -> assertThat(redis.get("spine:key:" + i)).isEqualTo("value-" + i));
    }
}
