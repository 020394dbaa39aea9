package dev.sluice.gateway.problem;

import org.springframework.http.HttpStatus;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error the gateway makes itself, as RFC 9457 problem details with a stable {@code type}:
 * {@code https://sluice.dev/problems/<code>}. The same shape as the services' problems (platform-starter).
 */
public record GatewayProblem(HttpStatus status, String code, String detail, Map<String, Object> properties) {

    public static final String TYPE_BASE = "https://sluice.dev/problems/";

    public static GatewayProblem of(HttpStatus status, String code, String detail) {
        return new GatewayProblem(status, code, detail, Map.of());
    }

    public GatewayProblem with(String name, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(properties);
        more.put(name, value);
        return new GatewayProblem(status, code, detail, more);
    }

    public GatewayProblem withDetail(String newDetail) {
        return new GatewayProblem(status, code, newDetail, properties);
    }

    public URI type() {
        return URI.create(TYPE_BASE + code);
    }

    /** The body, in the member order clients see. */
    public Map<String, Object> body(String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type().toString());
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("code", code);
        body.putAll(properties);
        return body;
    }

    /** A 400 listing each violation with a JSON pointer ({@code pointer}) or a header name ({@code header}). */
    public static GatewayProblem invalid(String detail, List<Map<String, String>> errors) {
        return of(HttpStatus.BAD_REQUEST, "invalid_request", detail).with("errors", errors);
    }
}
