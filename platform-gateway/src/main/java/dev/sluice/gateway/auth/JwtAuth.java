package dev.sluice.gateway.auth;

import dev.sluice.gateway.route.UpstreamUris;
import dev.sluice.gateway.route.Violations;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Bearer JWTs the route accepts.
 *
 * @param jwksUri        where the issuer publishes its keys (JWKS); fetched when first needed, cached, and fetched
 *                       again when a token names a key it does not hold (at most every {@code jwksRefetchAfter})
 * @param publicKeys     PEM public keys (RSA or EC), instead of {@code jwksUri}
 * @param issuer         the required {@code iss}
 * @param audiences      {@code aud} must hold one of these
 * @param algorithms     accepted signature algorithms; RS256 and ES256 when absent. Only asymmetric ones
 * @param clockSkew      leeway on {@code exp} and {@code nbf}; 60s when absent
 * @param requiredClaims claims every token must carry
 * @param scopes         scopes every token must carry ({@code scope}, space-separated, or {@code scp}); 403 otherwise
 * @param jwksRefetchAfter the least time between two JWKS fetches for unknown keys; 10s when absent
 */
public record JwtAuth(String jwksUri, List<String> publicKeys, String issuer, List<String> audiences,
        List<String> algorithms, Duration clockSkew, List<String> requiredClaims, List<String> scopes,
        Duration jwksRefetchAfter) {

    static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
            "ES384", "ES512");
    static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256");

    public List<String> algorithmsOrDefault() {
        return algorithms != null && !algorithms.isEmpty() ? algorithms : DEFAULT_ALGORITHMS;
    }

    public Duration clockSkewOrDefault() {
        return clockSkew != null ? clockSkew : Duration.ofSeconds(60);
    }

    public Duration jwksRefetchAfterOrDefault() {
        return jwksRefetchAfter != null ? jwksRefetchAfter : Duration.ofSeconds(10);
    }

    void validate(Violations v) {
        if ((jwksUri == null) == (publicKeys == null || publicKeys.isEmpty())) {
            v.add("needs either jwksUri or publicKeys");
        }
        if (jwksUri != null) {
            UpstreamUris.checkHttp(v, "jwksUri", jwksUri);
        }
        if (algorithms != null) {
            for (int i = 0; i < algorithms.size(); i++) {
                if (!ALGORITHMS.contains(algorithms.get(i))) {
                    v.at("algorithms").at(i).add("must be one of " + String.join(", ", ALGORITHMS.stream().sorted().toList()));
                }
            }
        }
        if (clockSkew != null && (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0)) {
            v.add("clockSkew", "must be between 0 and 5m");
        }
        v.positive("jwksRefetchAfter", jwksRefetchAfter, Duration.ofHours(1));
        if (issuer != null && issuer.isBlank()) {
            v.add("issuer", "must not be blank");
        }
        blankEntries(v, "audiences", audiences);
        blankEntries(v, "requiredClaims", requiredClaims);
        blankEntries(v, "scopes", scopes);
    }

    private static void blankEntries(Violations v, String field, List<String> values) {
        for (int i = 0; values != null && i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isBlank()) {
                v.at(field).at(i).add("must not be blank");
            }
        }
    }
}
