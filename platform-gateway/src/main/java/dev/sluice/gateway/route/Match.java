package dev.sluice.gateway.route;

import java.util.List;
import java.util.Map;

/**
 * What requests a route takes. All given conditions must hold.
 *
 * @param path    an Ant-style path pattern, required: {@code /api/orders/**}
 * @param methods HTTP methods; any when empty
 * @param headers headers that must be present with exactly these values (no regular expressions)
 * @param host    a host pattern such as {@code *.example.com}
 */
public record Match(String path, List<String> methods, Map<String, String> headers, String host) {
}
