package dev.sluice.gateway.cache;

import java.util.List;
import java.util.Map;

/**
 * One stored answer: what a HIT replays. Fresh until {@code freshUntil}; after that it may still serve as a STALE
 * fallback while the upstream is failing, until Redis expires it.
 *
 * @param vary    the request headers the upstream said the answer depends on, lower case
 * @param variant the values of those headers in the request that produced it
 */
public record CachedResponse(int status, Map<String, List<String>> headers, byte[] body, long storedAt,
        long freshUntil, List<String> vary, String variant) {

    public boolean isFresh(long now) {
        return now < freshUntil;
    }
}
