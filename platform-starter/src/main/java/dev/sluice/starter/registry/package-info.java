/**
 * The instance registry in the Redis Cluster ({@code sluice.registry}), discovery off Kubernetes: each instance
 * registers when ready and heartbeats; Spring Cloud's discovery clients read it from memory, kept fresh by a push on
 * every change and a periodic check. Keys and TTLs: {@link dev.sluice.starter.registry.RedisInstanceRegistry}.
 */
package dev.sluice.starter.registry;
