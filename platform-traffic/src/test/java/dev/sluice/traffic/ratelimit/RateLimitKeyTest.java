package dev.sluice.traffic.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One reading of rate-limit keys for the gateway ("route") and services ("endpoint"). */
class RateLimitKeyTest {

    @Test
    void theSharedWordIsTheCallersOwn() {
        assertThat(RateLimitKey.parse("route", "route").kind()).isEqualTo(RateLimitKey.Kind.SHARED);
        assertThat(RateLimitKey.parse("route", "endpoint")).isNull();
        assertThat(RateLimitKey.parse("endpoint", "endpoint").valueFor(() -> "ignored", null, null)).isEqualTo("endpoint");
    }

    @Test
    void headerNamesMustBeTokens() {
        assertThat(RateLimitKey.parse("header:X-Tenant", "route").header()).isEqualTo("X-Tenant");
        assertThat(RateLimitKey.parse("header:", "route")).isNull();
        assertThat(RateLimitKey.parse("header:X Tenant", "route")).isNull();
        assertThat(RateLimitKey.parse("cookie", "route")).isNull();
        assertThat(RateLimitKey.parse(null, "route")).isNull();
    }

    @Test
    void aMissingHeaderOrPrincipalIsCountedByAddress() {
        assertThat(RateLimitKey.parse("header:X-Tenant", "route").valueFor(() -> "10.0.0.1", null, null))
                .isEqualTo("ip:10.0.0.1");
        assertThat(RateLimitKey.parse("principal", "route").valueFor(() -> "10.0.0.1", null, null))
                .isEqualTo("ip:10.0.0.1");
        assertThat(RateLimitKey.parse("principal", "route").valueFor(() -> "10.0.0.1", null, "ann"))
                .isEqualTo("principal:ann");
    }

    @Test
    void aClientCannotSteerTheHashSlotOrGrowTheKey() {
        RateLimitKey key = RateLimitKey.parse("header:X-Tenant", "route");
        assertThat(key.valueFor(() -> "x", "{slot}a", null)).isEqualTo("header:slota");
        assertThat(key.valueFor(() -> "x", "a".repeat(500), null)).hasSize("header:".length() + 200);
    }

    @Test
    void theAddressIsReadOnlyWhenNeeded() {
        assertThat(RateLimitKey.parse("header:X-Tenant", "route").valueFor(() -> {
            throw new AssertionError("read the address");
        }, "t1", null)).isEqualTo("header:t1");
    }
}
