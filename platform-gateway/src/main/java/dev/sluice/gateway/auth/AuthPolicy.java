package dev.sluice.gateway.auth;

import dev.sluice.gateway.route.Violations;

/**
 * Who may call the route, checked at the gateway: the request is refused before any other route policy runs, and
 * the caller's identity is passed upstream in headers the client cannot forge.
 *
 * @param jwt      bearer JWTs, checked against a JWKS URL or configured public keys
 * @param apiKey   API keys made through the Admin API; with {@code jwt} too, a request may bring either
 * @param identity the headers the caller's identity is passed upstream in
 */
public record AuthPolicy(JwtAuth jwt, ApiKeyAuth apiKey, IdentityHeaders identity) {

    public IdentityHeaders identityOrDefault() {
        return identity != null ? identity : IdentityHeaders.DEFAULT;
    }

    void validate(Violations v) {
        if (jwt == null && apiKey == null) {
            v.add("needs jwt or apiKey");
        }
        if (jwt != null) {
            jwt.validate(v.at("jwt"));
        }
        if (apiKey != null) {
            apiKey.validate(v.at("apiKey"));
        }
        if (identity != null) {
            identity.validate(v.at("identity"));
        }
    }
}
