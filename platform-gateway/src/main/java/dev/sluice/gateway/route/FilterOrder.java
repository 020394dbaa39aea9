package dev.sluice.gateway.route;

/**
 * Where each policy runs on a request's way through the gateway, top to bottom. Spring Cloud Gateway's own global
 * filters are listed for reference; ours are placed around them.
 * <ol>
 * <li>{@link #RATE_LIMIT}: reject over-quota requests before any other work;</li>
 * <li>{@link #BULKHEAD}: then cap concurrency;</li>
 * <li>{@link #VALIDATION}: buffer the body (bounded) and check it;</li>
 * <li>{@link #CACHE}: answer from the shared cache, or capture the upstream's answer for it;</li>
 * <li>Gateway's NettyWriteResponseFilter (-1) writes the upstream body once everything below has finished;</li>
 * <li>{@link #STRIP_PREFIX};</li>
 * <li>{@link #CIRCUIT_BREAKER}: sees the upstream status before the body is written, and answers with the fallback;</li>
 * <li>{@link #RETRY}: re-runs everything below on a connect error or a retryable status;</li>
 * <li>Gateway's RouteToRequestUrlFilter (10000) sets the upstream URL from the route;</li>
 * <li>{@link #SPLIT}: swaps that URL for a canary's;</li>
 * <li>Gateway's ReactiveLoadBalancerClientFilter (10150) resolves {@code lb://} to an instance;</li>
 * <li>{@link dev.sluice.gateway.retry.StaleConnectionRetryFilter} sends the request again (up to 3 times) when a
 * pooled connection was dropped under it, and the upstream timer times each call;</li>
 * <li>Gateway's NettyRoutingFilter (last) calls the upstream, bounded by the route's timeout.</li>
 * </ol>
 */
public final class FilterOrder {

    public static final int RATE_LIMIT = -300;
    public static final int BULKHEAD = -250;
    public static final int VALIDATION = -200;
    public static final int CACHE = -150;
    public static final int STRIP_PREFIX = 0;
    public static final int CIRCUIT_BREAKER = 10;
    public static final int RETRY = 20;
    public static final int SPLIT = 10_050;

    private FilterOrder() {
    }
}
