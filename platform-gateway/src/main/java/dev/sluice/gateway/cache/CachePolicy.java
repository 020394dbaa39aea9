package dev.sluice.gateway.cache;

import dev.sluice.gateway.route.Violations;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/** A response cache in the Redis Cluster, shared by every gateway node. */
public record CachePolicy(Duration ttl, DataSize maxBodySize) {

    public static final DataSize DEFAULT_MAX_BODY_SIZE = DataSize.ofMegabytes(1);

    public DataSize maxBodySizeOrDefault() {
        return maxBodySize != null ? maxBodySize : DEFAULT_MAX_BODY_SIZE;
    }

    public void validate(Violations v) {
        v.require("ttl", ttl);
        v.positive("ttl", ttl, Duration.ofDays(1));
        v.positive("maxBodySize", maxBodySize, DataSize.ofMegabytes(16));
    }
}
