package dev.sluice.test.redis;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * @Nested classes run inside their enclosing class and see its extensions: they use its cluster, and one nested
 * class ending does not stop it for the next (a Spring test context cached across them keeps pointing at it).
 */
class RedisClusterExtensionTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension();

    static RedisCluster started;

    @BeforeAll
    static void remember() {
        started = REDIS.cluster();
    }

    @Nested
    class FirstGroup {

        @Test
        void usesTheEnclosingClassesCluster() {
            assertThat(REDIS.cluster()).isSameAs(started);
        }
    }

    @Nested
    class SecondGroup {

        @Test
        void findsItStillRunningAfterAnotherGroupEnded() {
            assertThat(REDIS.cluster()).isSameAs(started);
            started.awaitHealthy(Duration.ofSeconds(5));
        }
    }
}
