package dev.sluice.gateway.auth;

import dev.sluice.gateway.route.Violations;

import java.util.List;

/**
 * API keys the route accepts: keys made through the Admin API, kept hashed in the Redis Cluster.
 *
 * @param header the header the key comes in; {@code X-Api-Key} when neither it nor {@code query} is set
 * @param query  a query parameter the key may come in instead; removed before the request goes upstream
 * @param scopes scopes the key must have been made with; 403 otherwise
 */
public record ApiKeyAuth(String header, String query, List<String> scopes) {

    public static final String DEFAULT_HEADER = "X-Api-Key";

    public String headerOrDefault() {
        return header != null ? header : query == null ? DEFAULT_HEADER : null;
    }

    public List<String> scopesOrNone() {
        return scopes != null ? scopes : List.of();
    }

    void validate(Violations v) {
        if (header != null && !Violations.isHeaderName(header)) {
            v.add("header", "must be a header name");
        }
        if (query != null && (query.isBlank() || !query.chars().allMatch(c -> c > 32 && c < 127 && c != '&' && c != '='))) {
            v.add("query", "must be a query parameter name");
        }
        for (int i = 0; scopes != null && i < scopes.size(); i++) {
            if (scopes.get(i) == null || scopes.get(i).isBlank()) {
                v.at("scopes").at(i).add("must not be blank");
            }
        }
    }
}
