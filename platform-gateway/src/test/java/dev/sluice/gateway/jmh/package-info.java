/**
 * JMH microbenchmarks of the gateway's per-request pieces that Sluice owns, so that a regression in one shows without
 * a full load test (bench/gateway.sh). Compiled with the tests, never run by them: {@code bench/jmh.sh} runs them.
 * Each benchmark builds its piece as the gateway does, through its public API, on real servers where it has one.
 */
package dev.sluice.gateway.jmh;
