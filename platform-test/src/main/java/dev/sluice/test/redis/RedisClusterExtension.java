package dev.sluice.test.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Redis Cluster for one test class:
 * <pre>{@code
 * @RegisterExtension
 * static final RedisClusterExtension REDIS = new RedisClusterExtension();
 * }</pre>
 * Started before the first test, stopped after the last one, whatever their outcome.
 */
public final class RedisClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private final RedisCluster.Builder builder;
    private RedisCluster cluster;
    /** The class that started it: @Nested classes see the enclosing class's extension and must not start another. */
    private String owner;

    public RedisClusterExtension() {
        this(RedisCluster.builder());
    }

    public RedisClusterExtension(RedisCluster.Builder builder) {
        this.builder = builder;
    }

    public RedisCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("The Redis Cluster starts in beforeAll; register the extension on a static field");
        }
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (cluster == null) {
            cluster = builder.start();
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null && context.getUniqueId().equals(owner)) {
            cluster.close();
            cluster = null;
        }
    }
}
