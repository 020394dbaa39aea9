package __PACKAGE__;

import dev.sluice.test.redis.RedisClusterExtension;
// tcc:begin
import dev.sluice.test.seata.SeataServerExtension;
// tcc:end
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.sluice.test.http.ProblemAnswers.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service as it runs, on a real Redis Cluster (and a real Seata TC) that platform-test starts for this class
 * and stops after it. See sample-inventory-service's InventoryServiceTest for more to copy.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class __CLASS__ServiceTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension();
    // tcc:begin

    @RegisterExtension
    static final SeataServerExtension TC = new SeataServerExtension();
    // tcc:end

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry properties) {
        properties.add("spring.data.redis.cluster.nodes", () -> REDIS.cluster().nodeAddresses());
        // tcc:begin
        properties.add("sluice.tcc.tc-addresses", () -> TC.server().address());
        // tcc:end
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void greetsByName() throws Exception {
        HttpResponse<String> greeting = get("/api/__NAME__/greetings/Ada");
        assertThat(greeting.statusCode()).isEqualTo(200);
        assertThat(greeting.body()).contains("Hello, Ada");
    }

    @Test
    void aNameThatIsNotOneIsRefusedAsAProblem() throws Exception {
        assertProblem(get("/api/__NAME__/greetings/%3Cscript%3E"), 400, "who");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
