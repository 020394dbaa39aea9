package dev.sluice.gateway.validation;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.path.NodePath;
import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import dev.sluice.gateway.support.BufferedBody;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code validate}: required headers (400), allowed content types (415), body size (413) and a JSON Schema for the
 * body (400 with each violation's JSON pointer). A request that fails never reaches the upstream.
 */
public class RequestValidationGatewayFilterFactory implements RoutePolicy<ValidatePolicy> {

    /** Buffers the body (bounded) and checks it, before the cache and the upstream see it. */
    public static final int ORDER = -200;

    @Override
    public String field() {
        return "validate";
    }

    @Override
    public Type specType() {
        return ValidatePolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(ValidatePolicy spec, Violations v) {
        spec.validate(v);
    }

    /**
     * Through the Admin API, a JSON Schema is inline or on the gateway's classpath, never a {@code file:} on the
     * node, which an API caller has no business reading.
     */
    @Override
    public void validateFromApi(ValidatePolicy spec, Violations v) {
        JsonNode schema = spec.jsonSchema();
        if (schema != null && schema.isString() && !schema.asString().startsWith("classpath:")) {
            v.add("jsonSchema", "through the Admin API, must be inline or a classpath: reference");
        }
    }

    private static final int MAX_REPORTED = 50;
    private final JsonSchemas schemas;
    private final long gatewayMaxBodyBytes;
    private final JsonMapper json = JsonMapper.builder().build();

    public RequestValidationGatewayFilterFactory(JsonSchemas schemas, long gatewayMaxBodyBytes) {
        this.schemas = schemas;
        this.gatewayMaxBodyBytes = gatewayMaxBodyBytes;
    }

    @Override
    public GatewayFilter apply(RouteDocument route, ValidatePolicy policy, Violations violations) {
        Schema schema = null;
        if (policy.jsonSchema() != null) {
            try {
                schema = schemas.compile(policy.jsonSchema());
            }
            catch (IllegalArgumentException e) {
                violations.add("jsonSchema", e.getMessage());
                return null;
            }
        }
        List<MediaType> contentTypes = policy.contentTypes() != null
                ? policy.contentTypes().stream().map(MediaType::parseMediaType).toList()
                : schema != null ? List.of(MediaType.APPLICATION_JSON) : List.of();
        long maxBytes = policy.maxBodySize() != null ? policy.maxBodySize().toBytes() : gatewayMaxBodyBytes;
        Check check = new Check(policy.requiredHeaders() != null ? policy.requiredHeaders() : List.of(), contentTypes,
                maxBytes, schema);
        return new OrderedGatewayFilter((exchange, chain) -> check.run(exchange).flatMap(outcome -> outcome.problem() != null
                ? ProblemResponses.write(outcome.exchange(), outcome.problem())
                : chain.filter(outcome.exchange())), ORDER);
    }

    private record Outcome(ServerWebExchange exchange, GatewayProblem problem) {
    }

    private final class Check {

        private final List<String> requiredHeaders;
        private final List<MediaType> contentTypes;
        private final long maxBytes;
        private final Schema schema;

        Check(List<String> requiredHeaders, List<MediaType> contentTypes, long maxBytes, Schema schema) {
            this.requiredHeaders = requiredHeaders;
            this.contentTypes = contentTypes;
            this.maxBytes = maxBytes;
            this.schema = schema;
        }

        /** 415 and 413 first; then one 400 listing every missing header and every schema violation together. */
        Mono<Outcome> run(ServerWebExchange exchange) {
            ServerHttpRequest request = exchange.getRequest();
            boolean hasBody = BufferedBody.hasBody(request);
            if (hasBody && !contentTypes.isEmpty() && !acceptable(request)) {
                return Mono.just(new Outcome(exchange, GatewayProblem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type", "The body must be one of " + contentTypes)));
            }
            if (request.getHeaders().getContentLength() > maxBytes) {
                return Mono.just(new Outcome(exchange, tooLarge()));
            }
            List<Map<String, String>> missing = new ArrayList<>();
            for (String header : requiredHeaders) {
                String value = request.getHeaders().getFirst(header);
                if (value == null || value.isBlank()) {
                    missing.add(error("header", header, "is required"));
                }
            }
            if (schema == null && !hasBody) {
                return Mono.just(new Outcome(exchange, missing.isEmpty() ? null
                        : GatewayProblem.invalid("Required headers are missing", missing)));
            }
            return BufferedBody.buffer(exchange, maxBytes)
                    .map(buffered -> new Outcome(buffered, combine(missing,
                            schema == null ? null : validate(BufferedBody.of(buffered)))))
                    .onErrorResume(BufferedBody.BodyTooLargeException.class, e -> Mono.just(new Outcome(exchange, tooLarge())));
        }

        private GatewayProblem combine(List<Map<String, String>> missingHeaders, GatewayProblem bodyProblem) {
            if (missingHeaders.isEmpty()) {
                return bodyProblem;
            }
            if (bodyProblem == null) {
                return GatewayProblem.invalid("Required headers are missing", missingHeaders);
            }
            List<Map<String, String>> all = new ArrayList<>(missingHeaders);
            Object bodyErrors = bodyProblem.properties().get("errors");
            if (bodyErrors instanceof List<?> list) {
                list.forEach(e -> all.add(castError(e)));
            }
            return bodyProblem.with("errors", all).withDetail("Required headers are missing, and " + bodyProblem.detail());
        }

        @SuppressWarnings("unchecked")
        private Map<String, String> castError(Object error) {
            return (Map<String, String>) error;
        }

        private boolean acceptable(ServerHttpRequest request) {
            MediaType type;
            try {
                type = request.getHeaders().getContentType();
            }
            catch (RuntimeException e) {
                return false;
            }
            return type != null && contentTypes.stream().anyMatch(allowed -> allowed.includes(type));
        }

        private GatewayProblem tooLarge() {
            return GatewayProblem.of(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                    "The request body is larger than " + maxBytes + " bytes");
        }

        private GatewayProblem validate(byte[] body) {
            if (body.length == 0) {
                return GatewayProblem.invalid("A JSON body is required", List.of(error("pointer", "", "is required")));
            }
            JsonNode node;
            try {
                node = json.readTree(body);
            }
            catch (JacksonException e) {
                return GatewayProblem.of(HttpStatus.BAD_REQUEST, "malformed_body", "The body is not valid JSON")
                        .with("errors", List.of(error("pointer", "", "is not valid JSON")));
            }
            List<Error> errors = schema.validate(node);
            if (errors.isEmpty()) {
                return null;
            }
            List<Map<String, String>> listed = errors.stream().limit(MAX_REPORTED)
                    .map(e -> error("pointer", pointer(e.getInstanceLocation()), message(e)))
                    .toList();
            return GatewayProblem.invalid(errors.size() == 1 ? "1 violation of the request schema"
                    : errors.size() + " violations of the request schema", listed);
        }
    }

    /**
     * One violation: {@code field} in the services' dotted form (as platform-starter's problems name fields) and the
     * exact location as a JSON {@code pointer} into the body or a {@code header} name.
     */
    private static Map<String, String> error(String kind, String where, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", kind.equals("pointer") ? (where.isEmpty() ? "(body)" : where.substring(1).replace('/', '.')) : where);
        error.put(kind, where);
        error.put("message", message);
        return error;
    }

    /** RFC 6901 pointer of the failing value: {@code /items/0/quantity}. */
    static String pointer(NodePath path) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            pointer.append('/').append(String.valueOf(element).replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    /** The validator's message without its leading location, which {@code pointer} already gives. */
    private static String message(Error error) {
        String message = error.getMessage();
        int colon = message.indexOf(": ");
        return colon > 0 && message.startsWith("$") ? message.substring(colon + 2) : message;
    }
}
