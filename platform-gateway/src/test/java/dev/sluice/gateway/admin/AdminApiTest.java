package dev.sluice.gateway.admin;

import dev.sluice.starter.management.BearerTokens;

import dev.sluice.gateway.support.AdminClient;
import dev.sluice.gateway.support.GatewayProcess;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.process.Await;
import dev.sluice.test.process.Ports;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Admin API on two real gateway processes sharing the real Redis Cluster: security, route writes with ETags,
 * revisions and rollback, import and export, the cluster view, the audit log, a fuzz pass, and a node that restarts
 * while Redis is unreachable.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {

    static final String ADMIN = "admin-token-for-tests";
    static final String VIEWER = "viewer-token-for-tests";

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(RedisCluster.builder());

    static TestBackend backend;
    static Path logs;
    static GatewayProcess a;
    static GatewayProcess b;
    static AdminClient adminA;
    static AdminClient adminB;
    static final JsonMapper json = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("backend");
        logs = Files.createDirectories(Path.of("target", "admin-api"));
        try {
            List<GatewayProcess> nodes = GatewayProcess.startAll(logs, arguments(REDIS.cluster().nodeAddresses()),
                    "admin-a", "admin-b");
            a = nodes.get(0);
            b = nodes.get(1);
        }
        catch (RuntimeException e) {
            stop();
            throw e;
        }
        adminA = new AdminClient(a, ADMIN);
        adminB = new AdminClient(b, ADMIN);
    }

    static List<String> arguments(String redisNodes) {
        return List.of(
                "--spring.data.redis.cluster.nodes=" + redisNodes,
                "--sluice.gateway.admin.tokens[0].name=ops",
                "--sluice.gateway.admin.tokens[0].role=admin",
                "--sluice.gateway.admin.tokens[0].sha256=" + HexFormat.of().formatHex(BearerTokens.sha256(ADMIN)),
                "--sluice.gateway.admin.tokens[1].name=watcher",
                "--sluice.gateway.admin.tokens[1].role=viewer",
                "--sluice.gateway.admin.tokens[1].sha256=" + HexFormat.of().formatHex(BearerTokens.sha256(VIEWER)),
                "--sluice.gateway.routes[0].id=seed",
                "--sluice.gateway.routes[0].uri=" + backend.url(),
                "--sluice.gateway.routes[0].match.path=/seed/**");
    }

    @AfterAll
    static void stop() {
        for (GatewayProcess gateway : new GatewayProcess[] {a, b}) {
            if (gateway != null) {
                gateway.close();
            }
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    @Order(1)
    void theYamlRoutesSeedAnEmptyStoreAsRevisionOne() {
        JsonNode history = body(adminA.get("/admin/v1/revisions"));
        assertThat(history.get("head").asLong()).isEqualTo(1);
        JsonNode first = history.get("revisions").get(0);
        assertThat(first.get("actor").asString()).isEqualTo("bootstrap");
        assertThat(body(adminB.get("/admin/v1/routes")).get("routes").get(0).get("id").asString()).isEqualTo("seed");
        assertThat(traffic(b, "/seed/x").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void theApiIsServedOnTheManagementPortOnlyAndNeverAnonymously() throws Exception {
        HttpResponse<String> onTraffic = http.send(HttpRequest.newBuilder(a.uri("/admin/v1/routes"))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(onTraffic.statusCode()).isEqualTo(404);

        HttpResponse<String> anonymous = new AdminClient(a, null).get("/admin/v1/routes");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new AdminClient(a, "not-a-token").get("/admin/v1/routes").statusCode()).isEqualTo(401);
        assertThat(new AdminClient(a, null).put("/admin/v1/routes/x", route("/x/**")).statusCode()).isEqualTo(401);

        AdminClient viewer = new AdminClient(a, VIEWER);
        assertThat(viewer.get("/admin/v1/routes").statusCode()).isEqualTo(200);
        HttpResponse<String> viewerWrite = viewer.put("/admin/v1/routes/x", route("/x/**"));
        assertThat(viewerWrite.statusCode()).isEqualTo(403);
        assertThat(viewer.delete("/admin/v1/routes/seed").statusCode()).isEqualTo(403);
        assertThat(viewer.post("/admin/v1/revisions/1/rollback").statusCode()).isEqualTo(403);

        HttpResponse<String> huge = adminA.put("/admin/v1/routes/x", "{\"uri\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(body(huge).get("code").asString()).isEqualTo("body_too_large");

        // Prometheus and the other actuator endpoints need a token too; health does not.
        assertThat(new AdminClient(a, null).get("/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(new AdminClient(a, null).get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(head()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void routesAreWrittenWithEtagsIfMatchAndDryRunAndReachEveryNode() {
        HttpResponse<String> dryRun = adminA.put("/admin/v1/routes/added?dryRun=true", route("/added/**"));
        assertThat(dryRun.statusCode()).isEqualTo(200);
        assertThat(head()).isEqualTo(1);
        assertThat(traffic(b, "/added/x").statusCode()).isEqualTo(404);

        HttpResponse<String> created = adminA.put("/admin/v1/routes/added", route("/added/**"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("ETag")).hasValue("\"2\"");
        awaitApplied(b, 2);
        assertThat(traffic(b, "/added/x").body()).startsWith("backend GET /added/x");

        HttpResponse<String> read = adminB.get("/admin/v1/routes/added");
        assertThat(read.headers().firstValue("ETag")).hasValue("\"2\"");
        assertThat(body(read).get("match").get("path").asString()).isEqualTo("/added/**");

        // An unrelated change leaves the route's ETag alone.
        assertThat(adminA.put("/admin/v1/routes/other", route("/other/**")).statusCode()).isEqualTo(201);
        assertThat(adminA.get("/admin/v1/routes/added").headers().firstValue("ETag")).hasValue("\"2\"");

        String changed = "{\"uri\":\"" + backend.url() + "\",\"match\":{\"path\":\"/added/**\"},\"timeout\":\"3s\"}";
        HttpResponse<String> stale = adminA.put("/admin/v1/routes/added", changed, "If-Match", "\"1\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(body(stale).get("currentETag").asString()).isEqualTo("\"2\"");
        HttpResponse<String> replaced = adminB.put("/admin/v1/routes/added", changed, "If-Match", "\"2\"");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(replaced.headers().firstValue("ETag")).hasValue("\"4\"");
        assertThat(adminA.put("/admin/v1/routes/nothing", route("/n/**"), "If-Match", "*").statusCode()).isEqualTo(412);

        assertThat(adminA.delete("/admin/v1/routes/other", "If-Match", "\"3\"").statusCode()).isEqualTo(200);
        assertThat(adminA.delete("/admin/v1/routes/other").statusCode()).isEqualTo(404);
        awaitApplied(b, head());
        assertThat(traffic(b, "/other/x").statusCode()).isEqualTo(404);
        assertThat(traffic(b, "/added/x").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void invalidDocumentsAreRefusedWithEveryViolationByField() {
        long before = head();
        assertViolations(adminA.put("/admin/v1/routes/bad", "{\"uri\":\"http://h\",\"match\":{\"path\":\"/b\"},\"rateLimitz\":{}}"),
                "rateLimitz");
        assertViolations(adminA.put("/admin/v1/routes/bad", "{\"uri\":\"http://h\",\"match\":{\"path\":\"/b\"},\"timeout\":\"soon\"}"),
                "timeout");
        assertViolations(adminA.put("/admin/v1/routes/bad", """
                {"uri": "http://h", "match": {"path": "/b"}, "rateLimitz": {}, "timeout": "soon",
                 "bulkhead": {"maxConcurrent": "lots"}}"""),
                "rateLimitz", "timeout", "bulkhead.maxConcurrent");
        assertViolations(adminA.put("/admin/v1/routes/bad", """
                {"uri": "ftp://h", "match": {"path": "b", "methods": ["FETCH"]}, "retry": {"attempts": 99},
                 "split": [{"uri": "http://169.254.169.254/latest", "weight": 10}]}"""),
                "uri", "match.path", "match.methods[0]", "retry.attempts", "split[0].uri");
        assertViolations(adminA.put("/admin/v1/routes/bad", "{\"uri\":\"http://169.254.169.254\",\"match\":{\"path\":\"/b\"}}"), "uri");
        assertViolations(adminA.put("/admin/v1/routes/bad", "{\"uri\":\"http://metadata.google.internal\",\"match\":{\"path\":\"/b\"}}"), "uri");
        assertViolations(adminA.put("/admin/v1/routes/bad", "{\"uri\":\"http://[fe80::1]:80\",\"match\":{\"path\":\"/b\"}}"), "uri");
        assertViolations(adminA.put("/admin/v1/routes/bad", """
                {"uri": "http://h", "match": {"path": "/b"}, "validate": {"jsonSchema": "file:/etc/passwd"}}"""),
                "validate.jsonSchema");
        assertViolations(adminA.put("/admin/v1/routes/bad", "{\"id\":\"other\",\"uri\":\"http://h\",\"match\":{\"path\":\"/b\"}}"), "id");
        assertViolations(adminA.put("/admin/v1/routes/bad", "[1,2]"), "(document)");
        assertViolations(adminA.put("/admin/v1/routes/bad", "{\"uri\":"), "(document)");
        assertViolations(adminA.put("/admin/v1/routes/bad?dryRun=true", "{\"uri\":\"lb://x\"}"), "match");
        // An inline schema is fine; a broken one is named.
        assertViolations(adminA.put("/admin/v1/routes/bad", """
                {"uri": "http://h", "match": {"path": "/b"}, "validate": {"jsonSchema": {"type": 12}}}"""),
                "validate.jsonSchema");
        assertThat(head()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void revisionsKeepTheHistoryAndRollbackRestoresAPastRevisionAsANewOne() {
        JsonNode history = body(adminA.get("/admin/v1/revisions"));
        long head = history.get("head").asLong();
        assertThat(history.get("revisions")).hasSize((int) head);
        assertThat(history.get("revisions").get(0).get("actor").asString()).isEqualTo("ops");
        assertThat(history.get("revisions").get(0).get("summary").asString()).isEqualTo("deleted route other");

        HttpResponse<String> rollback = adminB.post("/admin/v1/revisions/1/rollback");
        assertThat(rollback.statusCode()).isEqualTo(200);
        assertThat(body(rollback).get("revision").asLong()).isEqualTo(head + 1);
        assertThat(body(rollback).get("summary").asString()).isEqualTo("rollback to revision 1");
        awaitApplied(a, head + 1);
        assertThat(traffic(a, "/added/x").statusCode()).isEqualTo(404);
        assertThat(routesOf(body(adminA.get("/admin/v1/revisions/" + (head + 1)))))
                .isEqualTo(routesOf(body(adminA.get("/admin/v1/revisions/1"))));

        // And forward again, to the revision before the rollback.
        assertThat(adminA.post("/admin/v1/revisions/" + head + "/rollback").statusCode()).isEqualTo(200);
        awaitApplied(b, head + 2);
        assertThat(traffic(b, "/added/x").statusCode()).isEqualTo(200);
        assertThat(adminA.post("/admin/v1/revisions/999/rollback").statusCode()).isEqualTo(404);
        assertThat(adminA.post("/admin/v1/revisions/abc/rollback").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void theWholeConfigExportsAndImportsAsYamlOrJsonAllOrNothing() {
        HttpResponse<String> yaml = adminA.get("/admin/v1/config", "Accept", "application/yaml");
        assertThat(yaml.headers().firstValue("Content-Type").orElse("")).startsWith("application/yaml");
        Map<String, Object> exported = new Yaml().load(yaml.body());
        assertThat((List<Object>) exported.get("routes")).hasSize(2);
        long head = head();

        String withExtra = yaml.body().replace("routes:", "routes:\n- id: imported\n  uri: " + backend.url()
                + "\n  match:\n    path: /imported/**");
        HttpResponse<String> imported = adminA.put("/admin/v1/config", withExtra, "Content-Type", "application/yaml",
                "If-Match", "\"" + head + "\"");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        awaitApplied(b, head + 1);
        assertThat(traffic(b, "/imported/x").statusCode()).isEqualTo(200);

        // One bad route among good ones: nothing changes.
        JsonNode current = body(adminA.get("/admin/v1/config"));
        String broken = current.toString().replace("/imported/**", "imported");
        assertViolations(adminA.put("/admin/v1/config", broken), "routes[0].match.path");
        assertThat(adminA.put("/admin/v1/config", current.toString(), "If-Match", "\"1\"").statusCode()).isEqualTo(412);
        assertThat(adminA.put("/admin/v1/config", "routes: [", "Content-Type", "application/yaml").statusCode()).isEqualTo(400);
        assertThat(adminA.put("/admin/v1/config", "{}", "Content-Type", "text/plain").statusCode()).isEqualTo(415);
        assertThat(adminA.put("/admin/v1/config", "routes: !!java.net.URL [\"http://x\"]", "Content-Type", "application/yaml")
                .statusCode()).isEqualTo(400);
        assertThat(head()).isEqualTo(head + 1);

        // JSON round trip: the same routes make a new revision with every route's version kept.
        HttpResponse<String> again = adminB.put("/admin/v1/config", current.toString());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(adminA.get("/admin/v1/routes/imported").headers().firstValue("ETag")).hasValue("\"" + (head + 1) + "\"");
    }

    @Test
    @Order(7)
    void theClusterViewListsBothNodesWithTheirRevision() {
        long head = head();
        awaitApplied(a, head);
        awaitApplied(b, head);
        Await.until("both nodes to report the head revision", Duration.ofSeconds(10), () -> {
            JsonNode nodes = body(adminA.get("/admin/v1/cluster")).get("nodes");
            return nodes.size() == 2 && nodes.get(0).get("revision").asLong() == head
                    && nodes.get(1).get("revision").asLong() == head;
        });
        JsonNode view = body(adminA.get("/admin/v1/cluster"));
        assertThat(view.get("complete").asBoolean()).isTrue();
        List<String> ids = new ArrayList<>();
        for (JsonNode node : view.get("nodes")) {
            ids.add(node.get("id").asString());
            assertThat(node.get("address").asString()).startsWith("127.0.0.1:");
            assertThat(node.get("stale").asBoolean()).isFalse();
            assertThat(node.get("redis").asString()).isEqualTo("reachable");
            assertThat(node.get("lastHeartbeat").asString()).isNotBlank();
            assertThat(node.get("appliedAt").asString()).isNotBlank();
        }
        assertThat(ids).containsExactlyInAnyOrder("admin-a", "admin-b");
    }

    @Test
    @Order(8)
    void theAuditLogRecordsEveryWriteIncludingRefusedOnes() {
        Await.until("the audit entries", Duration.ofSeconds(5), () -> body(adminB.get("/admin/v1/audit?limit=1000"))
                .get("entries").size() > 20);
        List<String> seen = new ArrayList<>();
        for (JsonNode entry : body(adminB.get("/admin/v1/audit?limit=1000")).get("entries")) {
            seen.add(entry.get("actor").asString() + " " + entry.get("status").asInt());
        }
        assertThat(seen).contains("anonymous 401", "watcher 403", "ops 413", "ops 400", "ops 412", "ops 201", "ops 200");
        assertThat(adminA.get("/admin/v1/audit?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(9)
    void aThousandHostileDocumentsGetNo5xxAndChangeNothing() {
        String before = adminA.get("/admin/v1/config").body();
        Random random = new Random(42);
        int[] byStatus = new int[6];
        for (int i = 0; i < 1000; i++) {
            String document = HostileDocuments.next(random, backend.url());
            HttpResponse<String> answer = switch (i % 4) {
                case 0, 1 -> adminA.put("/admin/v1/routes/fuzz-" + (i % 7), document);
                case 2 -> adminB.put("/admin/v1/config", document,
                        "Content-Type", i % 8 == 2 ? "application/yaml" : "application/json");
                default -> adminA.put("/admin/v1/routes/fuzz?dryRun=true", document);
            };
            byStatus[answer.statusCode() / 100]++;
            assertThat(answer.statusCode()).as("document %d: %s -> %s", i, document, answer.body()).isBetween(400, 499);
        }
        System.out.printf("fuzz: 1000 documents, %d answered 4xx%n", byStatus[4]);
        assertThat(adminA.get("/admin/v1/config").body()).isEqualTo(before);
    }

    @Test
    @Order(10)
    void aNodeCatchesUpByItsPeriodicCheckAndRestartedWhileRedisIsUnreachableServesItsLastAppliedConfig() {
        Path state = logs.toAbsolutePath().resolve("restarted-applied.json");
        List<String> withRedis = new ArrayList<>(arguments(REDIS.cluster().nodeAddresses()));
        withRedis.add("--sluice.gateway.store.state-file=" + state);
        // No push for this node: the periodic check alone must bring it up to date.
        withRedis.add("--sluice.gateway.store.push=false");
        withRedis.add("--sluice.gateway.store.reconcile-interval=1s");
        long head;
        try (GatewayProcess node = GatewayProcess.start("restarted-1", logs, withRedis)) {
            awaitApplied(node, head());
            assertThat(adminA.put("/admin/v1/routes/late", route("/late/**")).statusCode()).isEqualTo(201);
            head = head();
            awaitApplied(node, head);
            assertThat(traffic(node, "/late/x").statusCode()).isEqualTo(200);
            assertThat(traffic(node, "/imported/x").statusCode()).isEqualTo(200);
        }
        // Every Redis node unreachable: the seed list names closed ports.
        int closed = Ports.free();
        List<String> withoutRedis = new ArrayList<>(arguments("127.0.0.1:" + closed + ",127.0.0.1:" + (closed + 1)));
        withoutRedis.add("--sluice.gateway.store.state-file=" + state);
        try (GatewayProcess node = GatewayProcess.start("restarted-2", logs, withoutRedis)) {
            AdminClient admin = new AdminClient(node, ADMIN);
            assertThat(traffic(node, "/imported/x").statusCode()).isEqualTo(200);
            assertThat(traffic(node, "/late/x").statusCode()).isEqualTo(200);
            assertThat(traffic(node, "/seed/x").statusCode()).isEqualTo(200);

            JsonNode self = body(admin.get("/admin/v1/cluster"));
            assertThat(self.get("complete").asBoolean()).isFalse();
            JsonNode entry = self.get("nodes").get(0);
            assertThat(entry.get("revision").asLong()).isEqualTo(head);
            assertThat(entry.get("stale").asBoolean()).isTrue();
            assertThat(entry.get("source").asString()).isEqualTo("disk");
            JsonNode health = body(new AdminClient(node, null).get("/actuator/health/config"));
            assertThat(health.get("components").get("gatewayConfig").get("details").get("stale").asBoolean()).isTrue();

            HttpResponse<String> write = admin.put("/admin/v1/routes/while-down", route("/down/**"));
            assertThat(write.statusCode()).isEqualTo(503);
            assertThat(body(write).get("code").asString()).isEqualTo("store_unavailable");
            assertThat(write.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(admin.post("/admin/v1/revisions/1/rollback").statusCode()).isEqualTo(503);
        }
        assertThat(head()).isEqualTo(head);
        assertThat(adminA.get("/admin/v1/routes/while-down").statusCode()).isEqualTo(404);
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    static String route(String path) {
        return "{\"uri\":\"" + backend.url() + "\",\"match\":{\"path\":\"" + path + "\"}}";
    }

    static long head() {
        return body(adminA.get("/admin/v1/revisions?limit=1")).get("head").asLong();
    }

    static JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    static List<String> routesOf(JsonNode revision) {
        List<String> routes = new ArrayList<>();
        revision.get("routes").forEach(r -> routes.add(r.toString()));
        return routes;
    }

    /** Waits for a node's own report (its health group, no Redis involved) of having applied a revision. */
    static void awaitApplied(GatewayProcess node, long revision) {
        AdminClient anonymous = new AdminClient(node, null);
        Await.until(node + " to apply revision " + revision, Duration.ofSeconds(10), () -> body(anonymous
                .get("/actuator/health/config")).get("components").get("gatewayConfig").get("details").get("revision")
                .asLong() >= revision);
    }

    HttpResponse<String> traffic(GatewayProcess node, String path) {
        try {
            return http.send(HttpRequest.newBuilder(node.uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertViolations(HttpResponse<String> answer, String... fields) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        List<String> named = new ArrayList<>();
        body(answer).get("errors").forEach(e -> named.add(e.get("field").asString()));
        assertThat(named).as(answer.body()).contains(fields);
    }
}
