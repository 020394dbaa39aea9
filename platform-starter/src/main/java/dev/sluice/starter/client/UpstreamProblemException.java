package dev.sluice.starter.client;

import java.net.URI;
import java.util.Map;

/**
 * The upstream answered with an error status. Its RFC 9457 problem is carried whole, so callers branch on
 * {@link #type()} or {@link #code()}, never on text. An error answer without a problem body becomes a problem of type
 * {@code about:blank} with the answer's status.
 */
public class UpstreamProblemException extends ClientCallException {

    private final int status;
    private final URI type;
    private final String title;
    private final String detail;
    private final Map<String, Object> properties;

    public UpstreamProblemException(String client, int status, URI type, String title, String detail,
            Map<String, Object> properties) {
        super(client, "Client '" + client + "' got " + status + " " + type + (detail != null ? ": " + detail : ""), null);
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
        this.properties = Map.copyOf(properties);
    }

    public int status() {
        return status;
    }

    public URI type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** The problem's extension members, such as {@code code} or {@code errors}. */
    public Map<String, Object> properties() {
        return properties;
    }

    /** The problem's {@code code} member (Sluice problems carry one), or the last segment of its type. */
    public String code() {
        if (properties.get("code") instanceof String code) {
            return code;
        }
        String path = type.getPath();
        return path == null || path.isEmpty() ? type.toString() : path.substring(path.lastIndexOf('/') + 1);
    }
}
