/**
 * The local stack: {@link dev.sluice.local.LocalStackLauncher} starts Redis Cluster, Seata TC, the sample services
 * and the gateway on loopback, in that order, waits for each to be ready, and stops them all on Ctrl-C.
 */
package dev.sluice.local;
