package dev.sluice.starter.problem;

import dev.sluice.test.http.RawHttp;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and malformed requests to a servlet service with the starter, on a real Tomcat, sent as raw bytes so that
 * nothing on the client side cleans them up: each gets a 4xx problem+json, never a 5xx or an HTML page.
 */
class BadInputTest {

    private static ConfigurableApplicationContext app;
    private static int port;

    @BeforeAll
    static void start() {
        SpringApplication application = new SpringApplication(ItemService.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        app = application.run("--server.port=0", "--spring.application.name=items", "--sluice.registry.enabled=false",
                "--management.health.redis.enabled=false");
        port = ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            GET | /api/items/bad%20sku                                  | 400 | invalid_request
            GET | /api/items/'%3B%20DROP%20TABLE%20item%3B--             | 400 | invalid_request
            GET | /api/items/REPEAT                                     | 400 | invalid_request
            GET | /api/items/a%00b                                      | 400 | bad_request
            GET | /api/items/a%2Fb                                      | 400 | bad_request
            GET | /api/items/a/b/../../../etc/passwd                    | 404 | not_found
            GET | /api/orders/not-a-uuid                               | 400 | invalid_request
            GET | /api/orders/stats                                    | 400 | invalid_request
            GET | /api/orders/stats?limit=abc                          | 400 | invalid_request
            GET | /api/orders/stats?limit=99999999999999999999         | 400 | invalid_request
            GET | /api/orders/stats?limit=5&sku=QUERY                  | 400 | invalid_request
            DELETE | /api/items/sku-1                                  | 405 | method_not_allowed
            PUT | /api/items/sku-1 BODY {"available": "many"}          | 400 | malformed_body
            PUT | /api/items/sku-1 BODY {"available": 1e400}           | 400 | malformed_body
            PUT | /api/items/sku-1 BODY {"available": 99999999999}     | 400 | invalid_request
            PUT | /api/items/sku-1 BODY [1, 2]                         | 400 | malformed_body
            PUT | /api/items/sku-1 BODY {"available":                  | 400 | malformed_body
            PUT | /api/items/sku-1 TEXT available=1                    | 415 | unsupported_media_type
            GET | /api/items/sku-1 HEADERS                             | 400 | bad_request
            """)
    void everyMalformedRequestGetsAProblem(String method, String target, int status, String code) throws Exception {
        String[] parts = target.split(" ", 3);
        String path = parts[0].replace("REPEAT", "x".repeat(300)).replace("QUERY", "q".repeat(5000));
        String body = parts.length == 3 ? parts[2] : null;
        String extraHeader = parts.length == 2 && parts[1].equals("HEADERS") ? "X-Padding: " + "p".repeat(20_000) : null;
        String type = parts.length == 3 && parts[1].equals("TEXT") ? "text/plain" : "application/json";
        List<String> headers = new ArrayList<>();
        if (body != null) {
            headers.add("Content-Type: " + type);
        }
        if (extraHeader != null) {
            headers.add(extraHeader);
        }
        RawHttp.Answer answer = RawHttp.send(port, method + " " + path + " HTTP/1.1", headers, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.contentType()).as(answer.toString()).startsWith("application/problem+json");
        assertThat(answer.body()).as(answer.toString()).contains("\"code\":\"" + code + "\"")
                .doesNotContain("Exception", "at org.", "Tomcat", "<html");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"available": "many"} | available
            {"available": 1e400}  | available
            {"available": [1]}    | available
            """)
    void aBodyValueOfTheWrongTypeIsRefusedNamingItsField(String body, String field) throws Exception {
        RawHttp.Answer answer = RawHttp.send(port, "PUT /api/items/sku-1 HTTP/1.1",
                List.of("Content-Type: application/json"), body);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.body()).as(answer.toString()).contains("\"field\":\"" + field + "\"")
                .doesNotContain("Long", "java.", "Exception");
    }

    @EnableAutoConfiguration
    @Import({Items.class, Orders.class})
    static class ItemService {
    }

    record StockLevel(@NotNull @Max(1_000_000) Long available) {
    }

    @RestController
    @RequestMapping("/api/items")
    @Validated
    static class Items {

        @GetMapping("/{sku}")
        String get(@PathVariable @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String sku) {
            return "{}";
        }

        @PutMapping("/{sku}")
        String put(@PathVariable @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String sku,
                @Valid @RequestBody StockLevel stock) {
            return "{}";
        }
    }

    /** Spring MVC's own method validation (no {@code @Validated}), and typed parameters. */
    @RestController
    @RequestMapping("/api/orders")
    static class Orders {

        @GetMapping("/{id}")
        String get(@PathVariable UUID id) {
            return "{}";
        }

        @GetMapping("/stats")
        String stats(@RequestParam int limit, @RequestParam(required = false)
                @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String sku) {
            return "{}";
        }
    }
}
