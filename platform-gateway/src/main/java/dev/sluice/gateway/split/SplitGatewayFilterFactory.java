package dev.sluice.gateway.split;

import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import dev.sluice.traffic.address.ClientAddresses;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.type.TypeReference;

import java.lang.reflect.Type;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

/**
 * {@code split}: sends part of a route's traffic to other upstreams. A target whose {@code when} headers match takes
 * the request; otherwise weights pick, at random or, with {@code sticky}, by a hash of the client's key so that one
 * client always lands on the same side (on every gateway node, since the hash is the same everywhere). Runs after
 * Gateway has computed the upstream URL and before {@code lb://} is resolved, so canaries can be service names.
 */
public class SplitGatewayFilterFactory implements RoutePolicy<List<SplitTarget>> {

    /** After Gateway has computed the upstream URL and before {@code lb://} is resolved. */
    public static final int ORDER = 10_050;

    @Override
    public String field() {
        return "split";
    }

    @Override
    public Type specType() {
        return new TypeReference<List<SplitTarget>>() { }.getType();
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(List<SplitTarget> spec, Violations v) {
        SplitTarget.validate(spec, v);
    }

    @Override
    public void upstreams(List<SplitTarget> spec, Violations v, BiConsumer<String, Violations> check) {
        for (int i = 0; i < spec.size(); i++) {
            if (spec.get(i) != null) {
                check.accept(spec.get(i).uri(), v.at(i).at("uri"));
            }
        }
    }

    /** The upstream a request was split to; absent when it stayed on the route's own URI. */
    public static final String TARGET_ATTRIBUTE = SplitGatewayFilterFactory.class.getName() + ".target";

    private final ClientAddresses clients;

    public SplitGatewayFilterFactory(ClientAddresses clients) {
        this.clients = clients;
    }

    @Override
    public GatewayFilter apply(RouteDocument route, List<SplitTarget> targets, Violations violations) {
        if (targets.isEmpty()) {
            return null;
        }
        List<Compiled> compiled = targets.stream().map(t -> new Compiled(t, URI.create(t.uri()))).toList();
        return new OrderedGatewayFilter((exchange, chain) -> {
            Compiled target = choose(compiled, exchange);
            if (target != null) {
                URI current = exchange.getRequiredAttribute(GATEWAY_REQUEST_URL_ATTR);
                URI next = UriComponentsBuilder.fromUri(current)
                        .scheme(target.uri().getScheme())
                        .host(target.uri().getHost())
                        .port(target.uri().getPort())
                        .build(true)
                        .toUri();
                exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR, next);
                exchange.getAttributes().put(TARGET_ATTRIBUTE, target.target().uri());
            }
            return chain.filter(exchange);
        }, ORDER);
    }

    private record Compiled(SplitTarget target, URI uri) {
    }

    private Compiled choose(List<Compiled> targets, ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        for (Compiled c : targets) {
            SplitTarget.When when = c.target().when();
            if (when != null && when.header() != null && matches(when.header(), headers)) {
                return c;
            }
        }
        int roll = -1;
        int cumulative = 0;
        for (Compiled c : targets) {
            Integer weight = c.target().weight();
            if (weight == null || weight == 0) {
                continue;
            }
            if (roll < 0) {
                roll = roll(c.target().sticky(), exchange);
            }
            cumulative += weight;
            if (roll < cumulative) {
                return c;
            }
        }
        return null;
    }

    private static boolean matches(Map<String, String> expected, HttpHeaders headers) {
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!e.getValue().equals(headers.getFirst(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** 0-99: random, or a stable hash of the sticky key; a request without the key rolls at random. */
    private int roll(String sticky, ServerWebExchange exchange) {
        String key = null;
        if ("ip".equals(sticky)) {
            key = clients.clientAddress(exchange);
        }
        else if (sticky != null && sticky.startsWith("header:")) {
            key = exchange.getRequest().getHeaders().getFirst(sticky.substring("header:".length()));
        }
        if (key == null) {
            return ThreadLocalRandom.current().nextInt(100);
        }
        long mixed = key.hashCode() * 0x9E3779B97F4A7C15L; // String.hashCode is specified, so every node agrees
        return (int) Math.floorMod(mixed ^ (mixed >>> 29), 100L);
    }
}
