/**
 * Limits a service puts on its own endpoints ({@code sluice.limits}, {@link dev.sluice.starter.limits.EndpointLimit}):
 * a rate shared by every instance through the Redis Cluster, with the limiter the gateway uses, and a concurrency
 * limit per instance. Refusals are 429 and 503 problem+json.
 */
package dev.sluice.starter.limits;
