package dev.sluice.starter.idempotency;

import dev.sluice.test.process.Await;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import dev.sluice.test.redis.RedisNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The idempotency filter on a real servlet app and a real Redis Cluster, including a master failover. */
class IdempotencyFilterTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(
            RedisCluster.builder().nodeTimeout(Duration.ofMillis(1000)));

    static final AtomicInteger EXECUTIONS = new AtomicInteger();
    static ConfigurableApplicationContext app;
    static int port;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = SpringApplication.run(App.class, "--server.port=0", "--server.address=127.0.0.1",
                "--spring.application.name=things",
                "--spring.data.redis.cluster.nodes=" + REDIS.cluster().nodeAddresses(),
                "--sluice.idempotency.endpoints=POST /things", "--sluice.idempotency.max-body-size=1KB");
        port = ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aRepeatReplaysTheFirstAnswerWithoutRunningAgain() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = post(key, "{\"n\":1}");
        int ran = EXECUTIONS.get();
        HttpResponse<String> again = post(key, "{\"n\":1}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(EXECUTIONS.get()).isEqualTo(ran);
    }

    @Test
    void theSameKeyForAnotherRequestIsA422() throws Exception {
        String key = UUID.randomUUID().toString();
        post(key, "{\"n\":1}");
        HttpResponse<String> other = post(key, "{\"n\":2}");

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(other.body()).contains("idempotency_key_reused");
        // The query string counts too.
        assertThat(post(key, "{\"n\":1}", "?mode=other").statusCode()).isEqualTo(422);
        assertThat(post(key, "{\"n\":1}").statusCode()).isEqualTo(201);
    }

    @Test
    void missingKeysOversizedBodiesAndOtherEndpointsAreHandledWithoutRunning() throws Exception {
        int ran = EXECUTIONS.get();
        HttpResponse<String> noKey = post(null, "{\"n\":1}");
        HttpResponse<String> tooLong = post("k".repeat(256), "{\"n\":1}");
        HttpResponse<String> tooLarge = post(UUID.randomUUID().toString(), "{\"n\":\"" + "x".repeat(2000) + "\"}");

        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(noKey.body()).contains("\"field\":\"Idempotency-Key\"", "header is required");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(EXECUTIONS.get()).isEqualTo(ran);
    }

    @Test
    void aServerErrorIsNotStoredSoTheClientMayRetry() throws Exception {
        String key = UUID.randomUUID().toString();
        int ran = EXECUTIONS.get();
        assertThat(post(key, "{\"fail\":true}").statusCode()).isEqualTo(500);
        assertThat(post(key, "{\"fail\":true}").statusCode()).isEqualTo(500);
        assertThat(EXECUTIONS.get()).isEqualTo(ran + 2);
    }

    @Test
    void answersExpireAfterTheirTtlAndAnAbandonedClaimAfterItsLease() throws Exception {
        RedisIdempotencyStore store = new RedisIdempotencyStore(app.getBean(
                org.springframework.data.redis.core.StringRedisTemplate.class), "expiry-test",
                Duration.ofMillis(800), Duration.ofMillis(800));
        String done = UUID.randomUUID().toString();
        String abandoned = UUID.randomUUID().toString();

        assertThat(store.claim(done, "f")).isInstanceOf(RedisIdempotencyStore.Claim.Started.class);
        store.complete(done, "f", new RedisIdempotencyStore.StoredResponse(201, "application/json", "{}".getBytes()));
        assertThat(store.claim(done, "f")).isInstanceOf(RedisIdempotencyStore.Claim.Replay.class);
        // A request that claimed its key and then died (never completed nor released):
        assertThat(store.claim(abandoned, "g")).isInstanceOf(RedisIdempotencyStore.Claim.Started.class);
        assertThat(store.claim(abandoned, "g")).isInstanceOf(RedisIdempotencyStore.Claim.InProgress.class);

        Thread.sleep(1_500);

        assertThat(store.claim(done, "f")).as("after the TTL").isInstanceOf(RedisIdempotencyStore.Claim.Started.class);
        assertThat(store.claim(abandoned, "g")).as("after the lease").isInstanceOf(RedisIdempotencyStore.Claim.Started.class);
    }

    @Test
    void duringAMasterFailoverRequestsAreRefusedNotRunUnprotectedAndStoredAnswersSurvive() throws Exception {
        RedisCluster cluster = REDIS.cluster();
        String stored = UUID.randomUUID().toString();
        HttpResponse<String> first = post(stored, "{\"n\":7}");
        assertThat(first.statusCode()).isEqualTo(201);
        String redisKey = "sluice:idempotency:things:" + stored;
        RedisNode victim = cluster.masterFor(redisKey);
        RedisNode replica = cluster.nodes().stream().filter(n -> n != victim)
                .filter(n -> n.command(c -> c.info("replication")).contains("master_port:" + victim.port()))
                .findFirst().orElseThrow();
        Await.until("the replica to hold the stored answer", Duration.ofSeconds(10), () -> replica.command(c -> {
            c.readOnly();
            return "done".equals(c.hget(redisKey, "state"));
        }));

        // A fresh key that the master about to die serves.
        String fresh = UUID.randomUUID().toString();
        while (cluster.masterFor("sluice:idempotency:things:" + fresh) != victim) {
            fresh = UUID.randomUUID().toString();
        }
        int ran = EXECUTIONS.get();
        RedisCluster.Failover[] failover = new RedisCluster.Failover[1];
        Thread killer = new Thread(() -> failover[0] = cluster.killMasterAndAwaitFailover(redisKey, Duration.ofSeconds(30)));
        killer.start();
        Await.until("the master to be gone", Duration.ofSeconds(10), () -> !victim.isRunning());

        long began = System.nanoTime();
        HttpResponse<String> during = post(fresh, "{\"n\":8}");
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        killer.join();

        // Sent right after the kill, at least a node timeout (1 s) before any replica can be promoted.
        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(during.body()).contains("idempotency_store_unavailable");
        assertThat(EXECUTIONS.get()).as("a refused request must not run").isEqualTo(ran);
        assertThat(took).as("bounded by the Redis timeout, not hanging").isLessThan(Duration.ofSeconds(5));
        assertThat(failover[0].promoted()).isSameAs(replica);

        // Lettuce learns the promoted replica from its topology refresh (adaptive, or every 5 s at the latest).
        int beforeReplay = EXECUTIONS.get();
        Await.until("the stored answer to be replayed from the promoted replica", Duration.ofSeconds(30),
                () -> post(stored, "{\"n\":7}").statusCode() == 201);
        HttpResponse<String> replayed = post(stored, "{\"n\":7}");
        assertThat(EXECUTIONS.get()).as("replays run nothing").isEqualTo(beforeReplay);
        assertThat(replayed.body()).isEqualTo(first.body());
        assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    private HttpResponse<String> post(String key, String body) {
        return post(key, body, "");
    }

    private HttpResponse<String> post(String key, String body, String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/things" + query))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SpringBootApplication
    @RestController
    static class App {

        @PostMapping("/things")
        ResponseEntity<String> create(@RequestBody String body) {
            int n = EXECUTIONS.incrementAndGet();
            if (body.contains("fail")) {
                return ResponseEntity.status(500).body("{\"error\":true}");
            }
            return ResponseEntity.status(201).header("Content-Type", "application/json")
                    .body("{\"execution\":" + n + "}");
        }
    }
}
