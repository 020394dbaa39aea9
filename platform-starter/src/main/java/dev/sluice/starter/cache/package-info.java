/**
 * Spring's cache abstraction on the Redis Cluster ({@code sluice.cache}): per-cache TTLs, keys prefixed by the
 * service, JSON values, one load per instance for concurrent misses ({@code @Cacheable(sync = true)}), and reads
 * that fall through to the method within a short budget when Redis is away.
 */
package dev.sluice.starter.cache;
