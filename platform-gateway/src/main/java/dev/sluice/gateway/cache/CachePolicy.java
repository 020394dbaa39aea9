package dev.sluice.gateway.cache;

import dev.sluice.gateway.route.Violations;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/** A response cache in the Redis Cluster, shared by every gateway node. */
public record CachePolicy(Duration ttl, DataSize maxBodySize) {

    public void validate(Violations v) {
        // The shared cache is not built yet: refuse the policy rather than pretend to cache.
        v.add("is not supported by this version of the gateway yet");
    }
}
