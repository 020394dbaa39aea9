package dev.sluice.gateway.pipeline;

import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every filter on a request's way through the gateway, ours and Spring Cloud Gateway's, top to bottom: the one place
 * that says where each runs. Our filters take their order from here; Spring Cloud Gateway's are listed with theirs,
 * and {@code GatewayPoliciesTest} fails when the running gateway has a filter this list does not place (global filters
 * by class and order, route filters by order). The constants below are in the order the filters run.
 */
public final class FilterOrder {

    /** Spring Cloud Gateway: drops a body cached for a policy once the exchange is done. */
    public static final int REMOVE_CACHED_BODY = Ordered.HIGHEST_PRECEDENCE;
    /** Counts every request and its status class, rejections included: outside every policy. */
    public static final int METRICS = Ordered.HIGHEST_PRECEDENCE + 10;
    /** One access-log line per request, whatever answered it. */
    public static final int ACCESS_LOG = Ordered.HIGHEST_PRECEDENCE + 20;
    /** Refuses a body over the gateway-wide limit before any policy reads it. */
    public static final int REQUEST_SIZE_LIMIT = Ordered.HIGHEST_PRECEDENCE + 30;
    /** Spring Cloud Gateway: lets a cached body be read again. */
    public static final int ADAPT_CACHED_BODY = Ordered.HIGHEST_PRECEDENCE + 1000;
    /** Rejects over-quota requests before any other work. */
    public static final int RATE_LIMIT = -300;
    /** Then caps concurrency. */
    public static final int BULKHEAD = -250;
    /** Buffers the body (bounded) and checks it. */
    public static final int VALIDATION = -200;
    /** Answers from the shared cache, or captures the upstream's answer for it. */
    public static final int CACHE = -150;
    /** Spring Cloud Gateway: writes the upstream's body once everything below has finished. */
    public static final int WRITE_RESPONSE = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER;
    /** Spring Cloud Gateway: keeps a {@code forward:} route's path. */
    public static final int FORWARD_PATH = 0;
    /** Drops the route's leading path segments ({@code stripPrefix}). */
    public static final int STRIP_PREFIX = 0;
    /** Sees the upstream's status before the body is written, and answers with the fallback. */
    public static final int CIRCUIT_BREAKER = 10;
    /** Re-runs everything below on a connect error or a retryable status. */
    public static final int RETRY = 20;
    /** Spring Cloud Gateway: the upstream URL, from the route. */
    public static final int ROUTE_TO_REQUEST_URL = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER;
    /** Swaps that URL for a canary's. */
    public static final int SPLIT = 10_050;
    /** Spring Cloud Gateway: resolves {@code lb://} to an instance. */
    public static final int LOAD_BALANCER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER;
    /** Spring Cloud Gateway: passes the chosen instance's id upstream as a cookie, when the load balancer is told to. */
    public static final int LOAD_BALANCER_COOKIE = LOAD_BALANCER + 1;
    /** Spring Cloud Gateway: WebSocket upgrades; the same number as {@link #UPSTREAM_TIMING}, its own choice. */
    public static final int WEBSOCKET_ROUTING = Ordered.LOWEST_PRECEDENCE - 1;
    /** Sends the request again (up to 3 times) when a pooled connection was dropped under it. */
    public static final int STALE_CONNECTION_RETRY = NettyRoutingFilter.ORDER - 2;
    /** Times each call to the upstream. */
    public static final int UPSTREAM_TIMING = NettyRoutingFilter.ORDER - 1;
    /** Spring Cloud Gateway: calls the upstream, bounded by the route's timeout. */
    public static final int ROUTING = NettyRoutingFilter.ORDER;
    /** Spring Cloud Gateway: {@code forward:} routes. */
    public static final int FORWARD_ROUTING = Ordered.LOWEST_PRECEDENCE;

    /** Every global filter, by class name, with its place. */
    public static final Map<String, Integer> GLOBAL_FILTERS;
    /** Every route filter (one per policy the route uses), by policy, with its place. */
    public static final Map<String, Integer> ROUTE_FILTERS;

    static {
        Map<String, Integer> global = new LinkedHashMap<>();
        global.put("RemoveCachedBodyFilter", REMOVE_CACHED_BODY);
        global.put("GatewayMetricsFilter", METRICS);
        global.put("AccessLogFilter", ACCESS_LOG);
        global.put("RequestSizeLimitFilter", REQUEST_SIZE_LIMIT);
        global.put("AdaptCachedBodyGlobalFilter", ADAPT_CACHED_BODY);
        global.put("NettyWriteResponseFilter", WRITE_RESPONSE);
        global.put("ForwardPathFilter", FORWARD_PATH);
        global.put("RouteToRequestUrlFilter", ROUTE_TO_REQUEST_URL);
        global.put("ReactiveLoadBalancerClientFilter", LOAD_BALANCER);
        global.put("LoadBalancerServiceInstanceCookieFilter", LOAD_BALANCER_COOKIE);
        global.put("WebsocketRoutingFilter", WEBSOCKET_ROUTING);
        global.put("StaleConnectionRetryFilter", STALE_CONNECTION_RETRY);
        global.put("UpstreamTimingFilter", UPSTREAM_TIMING);
        global.put("NettyRoutingFilter", ROUTING);
        global.put("ForwardRoutingFilter", FORWARD_ROUTING);
        GLOBAL_FILTERS = java.util.Collections.unmodifiableMap(global);
        Map<String, Integer> route = new LinkedHashMap<>();
        route.put("rateLimit", RATE_LIMIT);
        route.put("bulkhead", BULKHEAD);
        route.put("validate", VALIDATION);
        route.put("cache", CACHE);
        route.put("stripPrefix", STRIP_PREFIX);
        route.put("circuitBreaker", CIRCUIT_BREAKER);
        route.put("retry", RETRY);
        route.put("split", SPLIT);
        ROUTE_FILTERS = java.util.Collections.unmodifiableMap(route);
    }

    private FilterOrder() {
    }
}
