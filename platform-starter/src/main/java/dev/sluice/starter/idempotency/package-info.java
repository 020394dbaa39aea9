/** Idempotency keys for unsafe endpoints, stored in the Redis Cluster so every instance of a service shares them. */
package dev.sluice.starter.idempotency;
