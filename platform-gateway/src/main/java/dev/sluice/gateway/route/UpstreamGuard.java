package dev.sluice.gateway.route;


import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SSRF guard on upstream URIs: no link-local addresses (169.254.0.0/16, fe80::/10) and no cloud metadata
 * endpoints, unless the operator lists the host in {@code sluice.gateway.allowed-internal-upstreams}. Only literal
 * addresses and well-known metadata names are checked here; names are not resolved, so DNS cannot be made to lie
 * to the check.
 */
public class UpstreamGuard {

    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog", "metadata",
            "instance-data", "instance-data.ec2.internal", "metadata.azure.com");
    private static final Set<String> METADATA_ADDRESSES = Set.of("100.100.100.200", "192.0.0.192", "fd00:ec2:0:0:0:0:0:254");
    // Literal IPv4 in any of the forms resolvers accept (dotted, one number, hex, octal), and IPv6 in brackets.
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|0x[0-9a-f.x]+|\\[[0-9a-f:.%a-z]+]");

    private final Set<String> allowed;

    public UpstreamGuard(List<String> allowedHosts) {
        this.allowed = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    }

    /** Checks each route's URI and every upstream its policies name (a canary's, for example). */
    public void check(RouteModel model, List<RouteDocument> routes, Violations v) {
        for (int i = 0; i < routes.size(); i++) {
            RouteDocument route = routes.get(i);
            if (route == null) {
                continue;
            }
            check(route.uri(), v.at(i).at("uri"));
            for (RoutePolicy<?> policy : model.policies()) {
                checkUpstreams(policy, route, v.at(i).at(policy.field()));
            }
        }
    }

    private <S> void checkUpstreams(RoutePolicy<S> policy, RouteDocument route, Violations v) {
        S spec = route.policy(policy);
        if (spec != null) {
            policy.upstreams(spec, v, this::check);
        }
    }

    private void check(String uri, Violations v) {
        String host = hostOf(uri);
        if (host == null || allowed.contains(host) || "lb".equals(schemeOf(uri))) {
            return;
        }
        if (METADATA_NAMES.contains(host) || blockedAddress(host)) {
            v.add("must not name a link-local or cloud metadata address (allow it in "
                    + "sluice.gateway.allowed-internal-upstreams if it is really meant)");
        }
    }

    private static boolean blockedAddress(String host) {
        if (!LITERAL.matcher(host).matches()) {
            return false;
        }
        try {
            // A literal: parsed, never looked up.
            InetAddress address = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
            return address.isLinkLocalAddress() || address.isAnyLocalAddress()
                    || METADATA_ADDRESSES.contains(address.getHostAddress());
        }
        catch (UnknownHostException | RuntimeException e) {
            return true; // a literal no resolver agrees on is not worth the risk
        }
    }

    private static String hostOf(String uri) {
        try {
            String host = URI.create(uri).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        }
        catch (RuntimeException e) {
            return null; // UpstreamUris reports it
        }
    }

    private static String schemeOf(String uri) {
        try {
            return URI.create(uri).getScheme();
        }
        catch (RuntimeException e) {
            return null;
        }
    }
}
