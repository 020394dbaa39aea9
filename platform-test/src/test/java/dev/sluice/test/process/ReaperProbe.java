package dev.sluice.test.process;

import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisNode;

import java.util.stream.Collectors;

/**
 * Run in a child JVM by {@link ProcessReaperTest}: starts a Redis Cluster, prints the node pids, then either
 * waits to be killed ("hold") or dies of an uncaught exception ("crash"), as a failing test would.
 */
public final class ReaperProbe {

    public static void main(String[] args) throws Exception {
        RedisCluster cluster = RedisCluster.builder().replicasPerMaster(0).start();
        String ports = cluster.nodes().stream().map(n -> Integer.toString(n.port())).collect(Collectors.joining(" "));
        String pids = ProcessReaper.live().stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "));
        System.out.println("PORTS " + ports);
        System.out.println("DIR " + cluster.workDir());
        System.out.println("PIDS " + pids);
        System.out.flush();
        if ("crash".equals(args[0])) {
            throw new IllegalStateException("a test failed");
        }
        Thread.sleep(120_000);
        cluster.nodes().forEach(RedisNode::toString);
    }
}
