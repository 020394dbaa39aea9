package dev.sluice.starter.kubernetes;

import dev.sluice.starter.jobs.JobOwnership;
import dev.sluice.starter.jobs.SingletonJobAutoConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnCloudPlatform;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.kubernetes.commons.leader.LeaderUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import java.net.UnknownHostException;

/**
 * On Kubernetes, singleton jobs run on the leader the service's pods elect through a Lease
 * ({@code sluice.kubernetes.leader}), rather than on the holder of a Redis lock: the cluster's own coordination
 * needs no store the service may not have, and a pod's leadership ends with the pod.
 */
@AutoConfiguration(before = SingletonJobAutoConfiguration.class,
        afterName = "org.springframework.cloud.kubernetes.fabric8.Fabric8AutoConfiguration")
@ConditionalOnClass(KubernetesClient.class)
@ConditionalOnCloudPlatform(CloudPlatform.KUBERNETES)
@ConditionalOnBooleanProperty(name = "sluice.jobs.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "sluice.kubernetes.leader.enabled", matchIfMissing = true)
@ConditionalOnBean(KubernetesClient.class)
@EnableConfigurationProperties(KubernetesLeaderProperties.class)
public class KubernetesLeaderAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(JobOwnership.class)
    LeaseJobOwnership sluiceLeaseJobOwnership(KubernetesClient client, KubernetesLeaderProperties properties,
            Environment environment) {
        String service = environment.getProperty("spring.application.name", "application");
        String leaseName = properties.leaseName() != null ? properties.leaseName() : service + "-jobs";
        return new LeaseJobOwnership(client, client.getNamespace(), leaseName, identity(properties),
                properties);
    }

    /** The pod's name: Kubernetes sets {@code HOSTNAME} to it (Spring Cloud Kubernetes reads it, else the host's). */
    private static String identity(KubernetesLeaderProperties properties) {
        if (properties.identity() != null && !properties.identity().isBlank()) {
            return properties.identity();
        }
        try {
            return LeaderUtils.hostName();
        }
        catch (UnknownHostException e) {
            throw new IllegalStateException("Cannot name this pod for leader election: set HOSTNAME or "
                    + "sluice.kubernetes.leader.identity", e);
        }
    }
}
