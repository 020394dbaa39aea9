package dev.sluice.starter.kubernetes;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Leader election for singleton jobs on Kubernetes.
 *
 * @param enabled       whether singleton jobs follow a Lease on Kubernetes; off, they take the Redis locks as
 *                      elsewhere
 * @param leaseName     the Lease, in the pod's namespace; by default {@code SERVICE-jobs}
 * @param identity      this candidate's name in the Lease; by default the pod's name ({@code HOSTNAME})
 * @param leaseDuration how long a leader that stopped renewing (died, froze, lost the API server) keeps the Lease
 *                      before another pod may take it
 * @param renewDeadline how long the leader keeps trying to renew before it gives the leadership up
 * @param retryPeriod   how often candidates try to take the Lease, and the leader renews it
 */
@ConfigurationProperties("sluice.kubernetes.leader")
public record KubernetesLeaderProperties(@DefaultValue("true") boolean enabled, String leaseName, String identity,
        @DefaultValue("15s") Duration leaseDuration, @DefaultValue("10s") Duration renewDeadline,
        @DefaultValue("2s") Duration retryPeriod) {
}
