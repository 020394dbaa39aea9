package dev.sluice.gateway.ratelimit;

/** The rate-limit key kinds: {@code ip}, {@code header:NAME}, {@code principal} and {@code route}. */
final class RateLimitKeys {

    private RateLimitKeys() {
    }

    static boolean isValid(String key) {
        return key.equals("ip") || key.equals("route") || key.equals("principal")
                || (key.startsWith("header:") && key.length() > "header:".length());
    }
}
