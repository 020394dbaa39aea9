/**
 * The service on Kubernetes, through Spring Cloud Kubernetes (fabric8), inert elsewhere: configuration from its
 * ConfigMap and Secret with reload ({@link dev.sluice.starter.kubernetes.KubernetesConfigEnvironmentPostProcessor}),
 * and singleton jobs on the leader its pods elect through a Lease
 * ({@link dev.sluice.starter.kubernetes.LeaseJobOwnership}). Discovery is Spring Cloud Kubernetes' own, and the
 * Redis instance registry stands aside there ({@code dev.sluice.starter.registry}).
 */
package dev.sluice.starter.kubernetes;
