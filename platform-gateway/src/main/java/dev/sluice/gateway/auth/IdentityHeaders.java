package dev.sluice.gateway.auth;

import dev.sluice.gateway.route.Violations;

import java.util.Map;

/**
 * Where the upstream finds who called. The gateway removes any copy of these headers the client sent before it sets
 * them, so an upstream behind the gateway can trust them.
 *
 * @param subject the header for the token's subject ({@code sub}); {@code X-Auth-Subject} when absent
 * @param claims  further claims to pass, each to its header: {@code {tenant: X-Tenant}}; arrays are joined with
 *                commas, objects are not passed
 * @param keyName the header for the name of the API key the request came with; {@code X-Auth-Key-Name} when absent
 */
public record IdentityHeaders(String subject, Map<String, String> claims, String keyName) {

    public static final String DEFAULT_SUBJECT = "X-Auth-Subject";
    public static final String DEFAULT_KEY_NAME = "X-Auth-Key-Name";
    static final IdentityHeaders DEFAULT = new IdentityHeaders(null, null, null);

    public String keyNameOrDefault() {
        return keyName != null ? keyName : DEFAULT_KEY_NAME;
    }

    public String subjectOrDefault() {
        return subject != null ? subject : DEFAULT_SUBJECT;
    }

    public Map<String, String> claimsOrNone() {
        return claims != null ? claims : Map.of();
    }

    void validate(Violations v) {
        if (subject != null && !Violations.isHeaderName(subject)) {
            v.add("subject", "must be a header name");
        }
        if (keyName != null && !Violations.isHeaderName(keyName)) {
            v.add("keyName", "must be a header name");
        }
        claimsOrNone().forEach((claim, header) -> {
            if (!Violations.isHeaderName(header)) {
                v.at("claims").add(claim, "must be a header name");
            }
        });
    }
}
