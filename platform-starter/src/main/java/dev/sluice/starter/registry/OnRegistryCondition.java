package dev.sluice.starter.registry;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code sluice.registry.enabled} when set; unset, on everywhere but on Kubernetes, where Spring Cloud Kubernetes
 * discovers services from the API server and a second registry would only disagree with it.
 */
class OnRegistryCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment environment = context.getEnvironment();
        String enabled = environment.getProperty("sluice.registry.enabled");
        if (enabled != null) {
            return Boolean.parseBoolean(enabled.trim())
                    ? ConditionOutcome.match("sluice.registry.enabled is true")
                    : ConditionOutcome.noMatch("sluice.registry.enabled is false");
        }
        if (CloudPlatform.getActive(environment) == CloudPlatform.KUBERNETES) {
            return ConditionOutcome.noMatch("on Kubernetes, discovery is Spring Cloud Kubernetes'");
        }
        return ConditionOutcome.match("not on Kubernetes and sluice.registry.enabled is unset");
    }
}
