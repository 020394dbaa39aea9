/**
 * The traffic building blocks the gateway and the services share, so that neither copies the other: the
 * cluster-wide rate limiter ({@code ratelimit}), the load balancer with outlier ejection ({@code loadbalancer}),
 * retry budgets ({@code retry}), Redis calls that fail fast ({@code redis}) and group membership by heartbeat
 * ({@code cluster}). Nothing here is auto-configured: the gateway and {@code platform-starter} wire it.
 */
package dev.sluice.traffic;
