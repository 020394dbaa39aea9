package dev.sluice.gateway.transform;

import dev.sluice.gateway.route.Violations;

import java.util.Map;

/**
 * Changes to the request on its way upstream and to the response on its way back. Everything is literal text or a
 * {@code {name}} the route's path captured: no regular expressions, no expressions.
 *
 * @param request  what changes on the way upstream
 * @param response what changes on the way back
 */
public record TransformPolicy(Request request, Response response) {

    /**
     * @param headers header edits
     * @param path    the upstream path, a template of the variables {@code match.path} captures:
     *                {@code /v2/orders/{id}}; it gives the whole path, so a route with it has no {@code stripPrefix}
     * @param query   query parameters added to the upstream request
     */
    public record Request(HeaderEdits headers, String path, Map<String, String> query) {
    }

    /**
     * @param headers header edits, made before the response is sent (on every answer, fallbacks included)
     * @param json    which fields of a successful JSON answer go back to the client
     */
    public record Response(HeaderEdits headers, JsonProjection json) {
    }

    void validate(Violations v) {
        if (request == null && response == null) {
            v.add("needs request or response");
        }
        if (request != null) {
            Violations r = v.at("request");
            if (request.headers() != null) {
                request.headers().validate(r.at("headers"));
            }
            if (request.path() != null) {
                try {
                    PathTemplate.parse(request.path());
                }
                catch (IllegalArgumentException e) {
                    r.add("path", e.getMessage());
                }
            }
            if (request.query() != null) {
                request.query().forEach((name, value) -> {
                    if (name.isBlank() || value == null) {
                        r.at("query").add(name, "needs a name and a value");
                    }
                });
            }
        }
        if (response != null && response.headers() != null) {
            response.headers().validate(v.at("response").at("headers"));
        }
        if (response != null && response.json() != null) {
            response.json().validate(v.at("response").at("json"));
        }
    }
}
