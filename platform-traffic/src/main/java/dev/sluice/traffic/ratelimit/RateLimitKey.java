package dev.sluice.traffic.ratelimit;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Whom a rate is counted for: the client's address ({@code ip}), a request header ({@code header:NAME}), the
 * authenticated principal ({@code principal}), or everyone together (the gateway says {@code route}, a service
 * {@code endpoint}). A request without the header or the principal is counted by its address, so leaving them out
 * does not escape the limit.
 *
 * @param header the header's name, for {@code header:NAME}
 * @param shared the word for one bucket for everyone, which is also that bucket's key value
 */
public record RateLimitKey(Kind kind, String header, String shared) {

    public enum Kind { IP, HEADER, PRINCIPAL, SHARED }

    /**
     * @param shared the word the caller uses for one bucket for everyone: {@code route} or {@code endpoint}
     * @return null when the text is not a key kind
     */
    public static RateLimitKey parse(String text, String shared) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        if (trimmed.regionMatches(true, 0, "header:", 0, 7)) {
            String name = trimmed.substring(7).trim();
            return name.isEmpty() || !name.chars().allMatch(RateLimitKey::isTokenChar) ? null
                    : new RateLimitKey(Kind.HEADER, name, shared);
        }
        String word = trimmed.toLowerCase(Locale.ROOT);
        if (word.equals(shared)) {
            return new RateLimitKey(Kind.SHARED, null, shared);
        }
        return switch (word) {
            case "ip" -> new RateLimitKey(Kind.IP, null, shared);
            case "principal" -> new RateLimitKey(Kind.PRINCIPAL, null, shared);
            default -> null;
        };
    }

    /** RFC 9110 token characters, which are all a header name may hold. */
    private static boolean isTokenChar(int c) {
        return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /**
     * The bucket part for one request. Braces are dropped (they would steer the Redis hash slot) and long values cut.
     *
     * @param clientAddress the client's address, read only for {@code ip} and as the fallback
     * @param headerValue   the header's value, for {@code header:NAME}
     * @param principal     the principal's name, for {@code principal}
     */
    public String valueFor(Supplier<String> clientAddress, String headerValue, String principal) {
        return switch (kind) {
            case SHARED -> shared;
            case HEADER -> headerValue != null ? "header:" + clean(headerValue) : "ip:" + clientAddress.get();
            case PRINCIPAL -> principal != null ? "principal:" + clean(principal) : "ip:" + clientAddress.get();
            case IP -> "ip:" + clientAddress.get();
        };
    }

    /** How a problem detail names the key: "client address", "X-Tenant header", ... */
    public String describe() {
        return switch (kind) {
            case IP -> "client address";
            case HEADER -> header + " header";
            case PRINCIPAL -> "principal";
            case SHARED -> shared;
        };
    }

    private static String clean(String value) {
        String cleaned = value.replace("{", "").replace("}", "");
        return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
    }
}
