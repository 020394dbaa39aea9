/**
 * Locks in the Redis Cluster with fencing tokens ({@code sluice.locks}): try-lock with a wait, renewal while work
 * runs, release by the holder only, and {@link dev.sluice.starter.lock.FencedValues}, whose writes refuse a holder
 * that lost its lock.
 */
package dev.sluice.starter.lock;
