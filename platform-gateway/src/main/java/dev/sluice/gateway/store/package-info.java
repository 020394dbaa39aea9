/**
 * The gateway config's home: every revision in the Redis Cluster, written by atomic compare-and-set and announced by
 * pub/sub ({@link dev.sluice.gateway.store.ConfigStore}), and each node's last applied revision on local disk
 * ({@link dev.sluice.gateway.store.LastAppliedFile}).
 */
package dev.sluice.gateway.store;
