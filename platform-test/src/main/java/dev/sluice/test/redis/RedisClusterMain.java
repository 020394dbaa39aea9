package dev.sluice.test.redis;

/**
 * Runs a six-node Redis Cluster until this JVM is stopped (SIGTERM or Ctrl-C): for benchmarks and manual trials.
 * Prints {@code nodes=<host:port,...>} once the cluster is healthy.
 * <pre>{@code java -cp <platform-test classpath> dev.sluice.test.redis.RedisClusterMain [first-port]}</pre>
 */
public final class RedisClusterMain {

    private RedisClusterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        RedisCluster.Builder builder = RedisCluster.builder();
        if (args.length > 0 && !args[0].equals("0")) {
            builder.firstPort(Integer.parseInt(args[0]));
        }
        RedisCluster cluster = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "redis-cluster-stop"));
        System.out.println("nodes=" + cluster.nodeAddresses());
        System.out.flush();
        Thread.currentThread().join();
    }
}
