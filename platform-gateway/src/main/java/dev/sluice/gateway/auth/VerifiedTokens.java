package dev.sluice.gateway.auth;

import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tokens one route has verified lately, so that a client sending the same token again is not verified again: the
 * signature check and claim parsing are most of the policy's cost per request. A token is held until it expires
 * (with the route's clock skew) and at most {@code maxAge}, which bounds how long a token signed by a key the issuer
 * has since withdrawn keeps passing. Only accepted tokens are held, and at most {@code capacity} of them: past that,
 * expired ones are swept, and if none were, new tokens are verified every time rather than held.
 */
final class VerifiedTokens {

    private record Held(Jwt jwt, long untilMillis) {
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final int capacity;
    private final long maxAgeMillis;
    private final long skewMillis;
    private final LongSupplier clock;

    VerifiedTokens(int capacity, Duration maxAge, Duration clockSkew, LongSupplier clock) {
        this.capacity = capacity;
        this.maxAgeMillis = maxAge.toMillis();
        this.skewMillis = clockSkew.toMillis();
        this.clock = clock;
    }

    /** The verified token, or {@code null} when it is not held (or no longer valid). */
    Jwt get(String token) {
        Held entry = held.get(token);
        if (entry == null) {
            return null;
        }
        if (clock.getAsLong() >= entry.untilMillis()) {
            held.remove(token, entry);
            return null;
        }
        return entry.jwt();
    }

    void put(String token, Jwt jwt) {
        long now = clock.getAsLong();
        Instant expires = jwt.getExpiresAt();
        long until = now + maxAgeMillis;
        if (expires != null) {
            until = Math.min(until, expires.toEpochMilli() + skewMillis);
        }
        if (until <= now) {
            return;
        }
        if (held.size() >= capacity) {
            held.values().removeIf(entry -> entry.untilMillis() <= now);
            if (held.size() >= capacity) {
                return;
            }
        }
        held.put(token, new Held(jwt, until));
    }

    int size() {
        return held.size();
    }
}
