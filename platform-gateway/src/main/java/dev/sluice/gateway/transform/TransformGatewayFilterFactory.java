package dev.sluice.gateway.transform;

import dev.sluice.gateway.problem.GatewayProblem;
import dev.sluice.gateway.problem.ProblemResponses;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code transform}: header edits on the request and the response, an upstream path from a template of the route's
 * captured path variables, added query parameters, and a projection of JSON answers. Runs just before Spring Cloud
 * Gateway's response writer, which must write through the projection, and so before the breaker and retries, which
 * see the rewritten request.
 */
public class TransformGatewayFilterFactory implements RoutePolicy<TransformPolicy> {

    /** Before the response writer (-1), which writes through this filter's projection; before stripPrefix (0). */
    public static final int ORDER = -5;

    @Override
    public String field() {
        return "transform";
    }

    @Override
    public Type specType() {
        return TransformPolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(TransformPolicy spec, Violations v) {
        spec.validate(v);
    }

    /**
     * A path template may use only the variables the route's {@code match.path} captures, and gives the whole path,
     * so {@code stripPrefix} (which would then cut the rewritten path) is refused beside it.
     */
    @Override
    public void validateTable(List<RouteDocument> routes, Violations v) {
        for (int i = 0; i < routes.size(); i++) {
            RouteDocument route = routes.get(i);
            TransformPolicy spec = route.policy(this);
            if (spec == null || spec.request() == null || spec.request().path() == null || route.match() == null) {
                continue;
            }
            if (route.stripPrefix() != null && route.stripPrefix() > 0) {
                v.at(i).at(field()).at("request").add("path", "gives the whole path; the route cannot also set stripPrefix");
            }
            try {
                Set<String> captured = PathTemplate.captured(route.match().path());
                for (String name : PathTemplate.parse(spec.request().path()).variables()) {
                    if (!captured.contains(name)) {
                        v.at(i).at(field()).at("request").add("path",
                                "uses {" + name + "}, which match.path does not capture");
                    }
                }
            }
            catch (IllegalArgumentException e) {
                // validate() has reported it
            }
        }
    }

    @Override
    public GatewayFilter apply(RouteDocument route, TransformPolicy spec, Violations violations) {
        TransformPolicy.Request request = spec.request();
        HeaderEdits requestHeaders = request != null ? request.headers() : null;
        PathTemplate path = request != null && request.path() != null ? PathTemplate.parse(request.path()) : null;
        Map<String, String> query = request != null && request.query() != null ? Map.copyOf(request.query()) : Map.of();
        HeaderEdits responseHeaders = spec.response() != null ? spec.response().headers() : null;
        JsonProjection json = spec.response() != null ? spec.response().json() : null;
        GatewayProblem badPath = GatewayProblem.of(HttpStatus.BAD_REQUEST, "bad_path",
                "The request path cannot be rewritten for route '" + route.id() + "'");
        return (exchange, chain) -> {
            if (responseHeaders != null) {
                exchange.getResponse().beforeCommit(() -> {
                    responseHeaders.apply(exchange.getResponse().getHeaders());
                    return Mono.empty();
                });
            }
            ServerHttpRequest original = exchange.getRequest();
            ServerHttpRequest.Builder next = original.mutate();
            if (requestHeaders != null || json != null) {
                next.headers(headers -> {
                    if (requestHeaders != null) {
                        requestHeaders.apply(headers);
                    }
                    if (json != null) {
                        headers.remove(HttpHeaders.ACCEPT_ENCODING); // a compressed answer could not be projected
                    }
                });
            }
            if (path != null || !query.isEmpty()) {
                String rawPath;
                try {
                    rawPath = path != null ? path.render(ServerWebExchangeUtils.getUriTemplateVariables(exchange))
                            : original.getURI().getRawPath();
                }
                catch (IllegalArgumentException e) {
                    return ProblemResponses.write(exchange, badPath);
                }
                UriComponentsBuilder uri = UriComponentsBuilder.fromUri(original.getURI()).replacePath(rawPath);
                query.forEach((name, value) -> uri.queryParam(UriUtils.encodeQueryParam(name, StandardCharsets.UTF_8),
                        UriUtils.encodeQueryParam(value, StandardCharsets.UTF_8)));
                URI rewritten = uri.build(true).toUri();
                ServerWebExchangeUtils.addOriginalRequestUrl(exchange, original.getURI());
                next.uri(rewritten);
            }
            ServerWebExchange.Builder mutated = exchange.mutate().request(next.build());
            if (json != null) {
                mutated.response(new ProjectingResponse(exchange.getResponse(), json, original.getPath().value()));
            }
            return chain.filter(mutated.build());
        };
    }
}
