package dev.sluice.gateway.auth;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The held tokens: until expiry (with skew) or the hold limit, whichever is first, and never more than the cap. */
class VerifiedTokensTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final VerifiedTokens tokens = new VerifiedTokens(2, Duration.ofMinutes(5), Duration.ofSeconds(10), now::get);

    @Test
    void aTokenIsHeldUntilItExpiresPlusTheSkew() {
        tokens.put("a", jwt(Instant.ofEpochMilli(now.get()).plusSeconds(30)));
        now.addAndGet(39_000);
        assertThat(tokens.get("a")).isNotNull();
        now.addAndGet(1_000);
        assertThat(tokens.get("a")).isNull();
    }

    @Test
    void aLongLivedTokenIsHeldForTheHoldLimitOnly() {
        tokens.put("a", jwt(Instant.ofEpochMilli(now.get()).plus(Duration.ofDays(1))));
        now.addAndGet(Duration.ofMinutes(5).toMillis() - 1);
        assertThat(tokens.get("a")).isNotNull();
        now.addAndGet(1);
        assertThat(tokens.get("a")).isNull();
    }

    @Test
    void pastTheCapExpiredTokensAreSweptAndOtherwiseNewOnesAreNotHeld() {
        tokens.put("short", jwt(Instant.ofEpochMilli(now.get()).plusSeconds(1)));
        tokens.put("long", jwt(Instant.ofEpochMilli(now.get()).plusSeconds(3600)));
        tokens.put("refused", jwt(Instant.ofEpochMilli(now.get()).plusSeconds(3600)));
        assertThat(tokens.get("refused")).isNull();
        assertThat(tokens.size()).isEqualTo(2);

        now.addAndGet(20_000); // "short" is now past its expiry and skew
        tokens.put("next", jwt(Instant.ofEpochMilli(now.get()).plusSeconds(3600)));
        assertThat(tokens.get("next")).isNotNull();
        assertThat(tokens.get("long")).isNotNull();
        assertThat(tokens.size()).isEqualTo(2);
    }

    private static Jwt jwt(Instant expires) {
        return Jwt.withTokenValue("t").header("alg", "RS256").subject("alice")
                .issuedAt(expires.minusSeconds(60)).expiresAt(expires).build();
    }
}
