package dev.sluice.gateway.auth;

import java.time.Instant;
import java.util.List;

/**
 * An API key as the gateway keeps it: never the key itself, which is shown once when it is made.
 *
 * @param id        names the key in the Admin API ({@code DELETE /admin/v1/api-keys/{id}})
 * @param name      who or what holds it; passed upstream in the identity's {@code keyName} header
 * @param scopes    what it may do, against a route's {@code auth.apiKey.scopes}
 * @param createdAt when it was made
 * @param expiresAt when it stops working; never when absent
 */
public record ApiKey(String id, String name, List<String> scopes, Instant createdAt, Instant expiresAt) {

    boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
