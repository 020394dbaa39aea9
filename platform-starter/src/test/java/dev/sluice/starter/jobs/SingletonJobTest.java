package dev.sluice.starter.jobs;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;
import dev.sluice.test.process.TestClassPath;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @Scheduled} {@link SingletonJob} in instances of a real service, each its own JVM, on a real Redis
 * Cluster: it runs on one instance at a time, moves to another within its lease (3 s) when that one is SIGKILLed,
 * and at once when it stops gracefully.
 */
class SingletonJobTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    final List<ManagedProcess> instances = new ArrayList<>();
    final String runs = "jobs:runs:" + UUID.randomUUID();

    @AfterEach
    void stopInstances() {
        instances.forEach(ManagedProcess::close);
    }

    ManagedProcess start(String name) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "singleton-jobs"));
        ManagedProcess process = ManagedProcess.start(name, List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                        "-XX:TieredStopAtLevel=1", "-cp", TestClassPath.get(), JobApp.class.getName(),
                        REDIS.cluster().nodeAddresses(), name, runs),
                logs, logs.resolve(name + "-" + runs.substring(runs.lastIndexOf(':') + 1) + ".log"), Map.of());
        instances.add(process);
        return process;
    }

    /** Every run so far, as {@code INSTANCE:TOKEN}. */
    List<String> runs() {
        RedisClusterClient client = RedisClusterClient.create(Arrays.stream(REDIS.cluster().nodeAddresses().split(","))
                .map(address -> RedisURI.create("redis://" + address)).toList());
        try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            return connection.sync().lrange(runs, 0, -1);
        }
        finally {
            client.shutdown();
        }
    }

    static String instance(String run) {
        return run.substring(0, run.indexOf(':'));
    }

    static long token(String run) {
        return Long.parseLong(run.substring(run.indexOf(':') + 1));
    }

    @Test
    void theJobRunsOnOneInstanceAndMovesWithinItsLeaseWhenThatOneIsKilled() throws Exception {
        ManagedProcess first = start("first");
        ManagedProcess second = start("second");
        Await.until("both instances to start and the job to run", Duration.ofSeconds(60),
                () -> runs().size() >= 10 && Files.exists(second.log()) && logged(first) && logged(second));
        List<String> before = runs();
        // One holder, one token, from the first run on.
        assertThat(before.stream().map(SingletonJobTest::instance).distinct()).hasSize(1);
        assertThat(before.stream().map(SingletonJobTest::token).distinct()).hasSize(1);
        String holder = instance(before.get(0));
        ManagedProcess victim = holder.equals("first") ? first : second;
        String survivor = holder.equals("first") ? "second" : "first";

        victim.kill();
        long killed = System.nanoTime();
        int runsAtKill = runs().size();
        Await.until(survivor + " to take the job over", Duration.ofSeconds(10),
                () -> runs().stream().skip(runsAtKill).anyMatch(run -> instance(run).equals(survivor)));
        Duration handover = Duration.ofNanos(System.nanoTime() - killed);
        // Not before the dead holder's lease ran out (3 s, less what it had used since its last renewal), and not
        // long after: a tick (200 ms) plus polling.
        assertThat(handover).isBetween(Duration.ofMillis(1_500), Duration.ofMillis(3_000 + 1_500));
        List<String> after = runs().subList(runsAtKill, runs().size());
        assertThat(after.stream().filter(run -> instance(run).equals(survivor)).map(SingletonJobTest::token))
                .allSatisfy(token -> assertThat(token).isGreaterThan(token(before.get(0))));
    }

    @Test
    void aGracefulStopHandsTheJobOverAtOnce() throws Exception {
        ManagedProcess first = start("first");
        Await.until("the job to run", Duration.ofSeconds(60), () -> runs().size() >= 3);
        ManagedProcess second = start("second");
        Await.until("the second instance to start", Duration.ofSeconds(60), () -> logged(second));
        Thread.sleep(1_000);
        assertThat(runs().stream().map(SingletonJobTest::instance).distinct()).containsExactly("first");

        long stopping = System.nanoTime();
        first.stop(Duration.ofSeconds(20));
        int runsAtStop = runs().size();
        Await.until("the second instance to take the job over", Duration.ofSeconds(10),
                () -> runs().stream().skip(runsAtStop).anyMatch(run -> instance(run).equals("second")));
        // Released on the way out: no waiting for the 3 s lease.
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofMillis(2_500));
    }

    /** Whether the instance's application has started (its log says so). */
    static boolean logged(ManagedProcess process) {
        try {
            return Files.readString(process.log()).contains("Started JobApp");
        }
        catch (java.io.IOException e) {
            return false;
        }
    }
}
