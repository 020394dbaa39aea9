package dev.sluice.gateway.route;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The upstream URI rule: {@code http}, {@code https}, {@code ws}, {@code wss} or {@code lb} with a host, and nothing
 * else; and the rule for URLs the gateway fetches itself.
 */
public final class UpstreamUris {

    public static final Set<String> SCHEMES = Set.of("http", "https", "lb", "ws", "wss");

    private UpstreamUris() {
    }

    public static void check(Violations v, String field, String uri) {
        if (uri == null || uri.isBlank()) {
            v.add(field, "is required");
            return;
        }
        try {
            URI parsed = new URI(uri);
            if (parsed.getScheme() == null || !SCHEMES.contains(parsed.getScheme())) {
                v.add(field, "scheme must be one of http, https, ws, wss, lb");
            }
            else if (parsed.getHost() == null) {
                v.add(field, "must name a host" + ("lb".equals(parsed.getScheme()) ? " (a service id without '_')" : ""));
            }
            else if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
                v.add(field, "must not have a query or fragment");
            }
        }
        catch (URISyntaxException e) {
            v.add(field, "is not a URI");
        }
    }

    /** A URL the gateway itself fetches (such as a JWKS): {@code http} or {@code https} with a host. */
    public static void checkHttp(Violations v, String field, String uri) {
        try {
            URI parsed = new URI(uri);
            if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())) {
                v.add(field, "scheme must be http or https");
            }
            else if (parsed.getHost() == null) {
                v.add(field, "must name a host");
            }
        }
        catch (URISyntaxException e) {
            v.add(field, "is not a URI");
        }
    }
}
