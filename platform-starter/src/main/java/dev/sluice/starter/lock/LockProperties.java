package dev.sluice.starter.lock;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Locks with fencing tokens in the Redis Cluster.
 *
 * @param enabled whether {@link DistributedLocks} and {@link FencedValues} are provided
 * @param timeout the budget of one Redis call by a lock; a call past it counts as not acquired, or unknown
 */
@ConfigurationProperties("sluice.locks")
public record LockProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration timeout) {
}
