package com.example.notes;

import dev.sluice.tcc.transaction.GlobalTransactions;
import dev.sluice.test.redis.RedisClusterExtension;
import dev.sluice.test.seata.SeataServerExtension;
import org.apache.seata.core.context.RootContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static dev.sluice.test.http.ProblemAnswers.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service as it runs: a real Redis Cluster and a real Seata TC, both started by platform-test's extensions
 * before Spring starts the application, and stopped after the last test whatever its outcome.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NotesServiceTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension();

    @RegisterExtension
    static final SeataServerExtension TC = new SeataServerExtension();

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry properties) {
        properties.add("spring.data.redis.cluster.nodes", () -> REDIS.cluster().nodeAddresses());
        properties.add("sluice.tcc.tc-addresses", () -> TC.server().address());
    }

    @LocalServerPort
    int port;

    @Autowired
    GlobalTransactions transactions;

    @Autowired
    RestClient.Builder restClients;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aNoteAddedCanBeReadBack() throws Exception {
        HttpResponse<String> added = post(UUID.randomUUID().toString(), "{\"text\":\"buy milk\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        String id = added.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

        HttpResponse<String> read = get("/api/notes/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("\"text\":\"buy milk\"");
    }

    @Test
    void aRetriedPostIsAnsweredWithTheFirstAnswerAndStoredOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = post(key, "{\"text\":\"once\"}");
        HttpResponse<String> retried = post(key, "{\"text\":\"once\"}");

        assertThat(retried.statusCode()).isEqualTo(201);
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void malformedRequestsAreRefusedAsProblemDetails() throws Exception {
        assertProblem(get("/api/notes/not-a-uuid"), 400, "id");
        assertProblem(post(UUID.randomUUID().toString(), "{\"text\":\"\"}"), 400, "text");
        assertProblem(post(UUID.randomUUID().toString(), "{\"text\":"), 400, null);
        assertProblem(post(UUID.randomUUID().toString(), "[1,2]"), 400, null);
        assertProblem(post(UUID.randomUUID().toString(), "{\"text\":[\"a\"]}"), 400, "text");
        assertProblem(get("/api/notes/" + UUID.randomUUID()), 404, "note_not_found");
    }

    @Test
    void theGlobalTransactionsXidTravelsWithTheServicesCalls() {
        RestClient client = restClients.baseUrl("http://127.0.0.1:" + port).build();

        String[] seen = transactions.execute("notes-test", () -> new String[] {RootContext.getXID(),
                client.get().uri("/test/xid").retrieve().body(String.class)});

        assertThat(seen[0]).isNotBlank();
        assertThat(seen[1]).isEqualTo(seen[0]);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String idempotencyKey, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/notes"))
                .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the service sees: the XID its servlet filter bound for this request. */
    @TestConfiguration
    static class XidEcho {

        @Bean
        XidController xidController() {
            return new XidController();
        }
    }

    @RestController
    static class XidController {

        @GetMapping("/test/xid")
        String xid() {
            return String.valueOf(RootContext.getXID());
        }
    }
}
