package dev.sluice.gateway.route;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/** The upstream URI rule: {@code http}, {@code https} or {@code lb} with a host, and nothing else. */
public final class UpstreamUris {

    public static final Set<String> SCHEMES = Set.of("http", "https", "lb");

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
                v.add(field, "scheme must be one of http, https, lb");
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
}
