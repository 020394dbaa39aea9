package dev.sluice.gateway.cache;

import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.util.Locale;

/** What a response's {@code Cache-Control} and {@code Vary} allow a shared cache to do with it. */
record CacheControl(boolean storable, Duration maxAge) {

    /**
     * @param routeTtl the route's TTL, which caps {@code max-age}
     */
    static CacheControl of(HttpHeaders response, Duration routeTtl) {
        if (response.getValuesAsList(HttpHeaders.VARY).stream().anyMatch(v -> v.trim().equals("*"))
                || response.containsHeader(HttpHeaders.SET_COOKIE)) {
            return new CacheControl(false, Duration.ZERO);
        }
        Duration ttl = routeTtl;
        for (String directive : response.getValuesAsList(HttpHeaders.CACHE_CONTROL)) {
            String d = directive.trim().toLowerCase(Locale.ROOT);
            if (d.equals("no-store") || d.equals("private") || d.equals("no-cache") || d.startsWith("private=")) {
                return new CacheControl(false, Duration.ZERO);
            }
            String seconds = d.startsWith("s-maxage=") ? d.substring(9) : d.startsWith("max-age=") ? d.substring(8) : null;
            if (seconds != null) {
                try {
                    Duration given = Duration.ofSeconds(Long.parseLong(seconds.replace("\"", "")));
                    if (given.compareTo(ttl) < 0) {
                        ttl = given;
                    }
                }
                catch (NumberFormatException e) {
                    return new CacheControl(false, Duration.ZERO);
                }
            }
        }
        return new CacheControl(!ttl.isZero() && !ttl.isNegative(), ttl);
    }

    /** A request that asks not to be answered from, or stored in, a cache. */
    static boolean requestBypasses(HttpHeaders request) {
        return request.getValuesAsList(HttpHeaders.CACHE_CONTROL).stream()
                .map(v -> v.trim().toLowerCase(Locale.ROOT))
                .anyMatch(d -> d.equals("no-store") || d.equals("no-cache"))
                || request.containsHeader(HttpHeaders.AUTHORIZATION); // a shared cache never answers for a credential
    }
}
