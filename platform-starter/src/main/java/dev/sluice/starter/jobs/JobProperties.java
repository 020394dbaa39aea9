package dev.sluice.starter.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Jobs that run on one instance at a time.
 *
 * @param enabled whether {@link SingletonJob} methods are guarded; off, they run on every instance
 * @param lease   how long a job stays with an instance that stopped renewing (died, froze, lost Redis) before
 *                another takes it
 */
@ConfigurationProperties("sluice.jobs")
public record JobProperties(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration lease) {
}
