package dev.sluice.local;

import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The platform's HTTP API as a client sees it, through the gateway. */
final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    record Answer(int status, Map<String, Object> body, HttpResponse<String> raw) {

        String text(String field) {
            Object value = body.get(field);
            return value == null ? null : value.toString();
        }

        long number(String field) {
            return ((Number) body.get(field)).longValue();
        }
    }

    Answer stock(String sku, long available) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/inventory/items/" + sku))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"available\":" + available + "}"))
                .header("Content-Type", "application/json"));
    }

    Answer item(String sku) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/inventory/items/" + sku)).GET());
    }

    Answer order(String idempotencyKey, String sku, long quantity) {
        return order(idempotencyKey, "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}");
    }

    Answer order(String idempotencyKey, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/orders"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    Answer stats(String sku) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/orders/stats?sku=" + sku)).GET());
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    @SuppressWarnings("unchecked")
    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> body = response.body().isBlank() ? Map.of() : JSON.readValue(response.body(), Map.class);
            return new Answer(response.statusCode(), body, response);
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
