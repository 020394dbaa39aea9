package dev.sluice.gateway.pipeline;

import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every global filter on a request's way through the gateway, ours and Spring Cloud Gateway's, top to bottom: the
 * anchors between which route policies place their own filters. A route policy declares its place itself
 * ({@code RoutePolicy.order()}, relative to these), so a new policy touches only its package; the whole path, global
 * filters and every registered policy merged, is {@code RoutePipeline} (and {@code GET /admin/pipeline}).
 * {@code GatewayPoliciesTest} fails when the running gateway has a global filter this list does not place, or a route
 * filter at an order no policy declares. The constants below are in the order the filters run.
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
    /** Spring Cloud Gateway: writes the upstream's body once everything below has finished. */
    public static final int WRITE_RESPONSE = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER;
    /** Spring Cloud Gateway: keeps a {@code forward:} route's path. */
    public static final int FORWARD_PATH = 0;
    /** Drops the route's leading path segments ({@code stripPrefix}). */
    public static final int STRIP_PREFIX = 0;
    /** Spring Cloud Gateway: the upstream URL, from the route. */
    public static final int ROUTE_TO_REQUEST_URL = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER;
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
    }

    private FilterOrder() {
    }
}
