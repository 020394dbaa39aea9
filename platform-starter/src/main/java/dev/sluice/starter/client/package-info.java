/**
 * Service-to-service clients ({@code sluice.clients}): Spring's HTTP interfaces on a RestClient that retries within
 * a budget, breaks, caps calls in flight, balances {@code lb://} calls with the gateway's load balancer, passes trace
 * context and identity on, and turns error answers into typed exceptions.
 */
package dev.sluice.starter.client;
