package dev.sluice.starter.client;

import org.springframework.http.HttpRequest;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns every error answer into an {@link UpstreamProblemException}: a problem+json body (or a JSON body shaped like
 * one) is read whole; anything else becomes {@code about:blank} with the status. At most 64 KiB of body is read.
 */
final class ProblemErrorHandler implements RestClient.ResponseSpec.ErrorHandler {

    private static final int MAX_BODY = 64 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String client;

    ProblemErrorHandler(String client) {
        this.client = client;
    }

    @Override
    public void handle(HttpRequest request, ClientHttpResponse response) throws IOException {
        throw problem(client, response.getStatusCode().value(), response.getHeaders().getContentType(),
                read(response.getBody()));
    }

    /** Shared with the reactive client, which reads the body its own way. */
    static UpstreamProblemException problem(String client, int status, MediaType contentType, byte[] body) {
        if (contentType != null && (contentType.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                || contentType.isCompatibleWith(MediaType.APPLICATION_JSON)) && body.length > 0) {
            try {
                Map<String, Object> fields = JSON.readValue(body, JSON.getTypeFactory()
                        .constructMapType(LinkedHashMap.class, String.class, Object.class));
                Object type = fields.remove("type");
                Object title = fields.remove("title");
                Object detail = fields.remove("detail");
                fields.remove("status");
                fields.remove("instance");
                return new UpstreamProblemException(client, status, typeOf(type), text(title), text(detail), fields);
            }
            catch (JacksonException | IllegalArgumentException e) {
                // not JSON after all: fall through to about:blank
            }
        }
        return new UpstreamProblemException(client, status, URI.create("about:blank"), null, null, Map.of());
    }

    private static URI typeOf(Object type) {
        try {
            return type instanceof String text && !text.isBlank() ? URI.create(text) : URI.create("about:blank");
        }
        catch (IllegalArgumentException e) {
            return URI.create("about:blank");
        }
    }

    private static String text(Object value) {
        return value instanceof String text ? text : null;
    }

    private static byte[] read(InputStream body) throws IOException {
        try (body) {
            return body.readNBytes(MAX_BODY);
        }
    }
}
