/**
 * A real Redis Cluster (3 masters, 3 replicas by default) on loopback for tests and the local stack, with fault
 * injection: kill a master, wait for its replica to take over, restart the killed node.
 */
package dev.sluice.test.redis;
