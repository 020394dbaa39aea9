package dev.sluice.deploy.compose;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Calls to the ports a Compose project publishes on loopback, as the compose tests make them. */
final class LoopbackHttp {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LoopbackHttp() {
    }

    static HttpResponse<String> placeOrder(int port, String sku, int quantity) {
        return send(HttpRequest.newBuilder(uri(port, "/api/orders")).timeout(Duration.ofSeconds(45))
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\": \"" + sku + "\", \"quantity\": " + quantity + "}")));
    }

    static HttpResponse<String> put(int port, String path, String body) {
        return send(HttpRequest.newBuilder(uri(port, path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(uri(port, path)).GET());
    }

    static HttpResponse<String> getWithToken(int port, String path, String token) {
        return send(HttpRequest.newBuilder(uri(port, path)).header("Authorization", "Bearer " + token).GET());
    }

    /** An answer, or a synthetic status 599 when the connection failed: load loops count those as failures. */
    static HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        if (built.timeout().isEmpty()) {
            built = HttpRequest.newBuilder(built, (name, value) -> true).timeout(Duration.ofSeconds(10)).build();
        }
        try {
            return HTTP.send(built, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            return new FailedExchange(built, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    }

    static HttpResponse<String> awaitStatus(int status, Duration timeout, Supplier<HttpResponse<String>> call) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = call.get();
        while (last.statusCode() != status && System.nanoTime() < deadline) {
            ComposeProject.sleep(Duration.ofMillis(250));
            last = call.get();
        }
        assertThat(last.statusCode()).as(last.uri() + " answered " + last.body()).isEqualTo(status);
        return last;
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + timeout);
            }
            ComposeProject.sleep(Duration.ofMillis(500));
        }
    }
}
