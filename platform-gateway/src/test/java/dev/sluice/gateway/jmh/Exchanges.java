package dev.sluice.gateway.jmh;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import java.net.InetSocketAddress;
import java.net.URI;

/** Exchanges as the gateway's filters see them: a routed GET from a client address, with its upstream URL. */
final class Exchanges {

    static final Route ROUTE = Route.async().id("bench").uri(URI.create("http://127.0.0.1:18080"))
            .predicate(exchange -> true).build();

    private Exchanges() {
    }

    static MockServerWebExchange routed(String... headers) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("http://gateway.example/api/items/42")
                .remoteAddress(new InetSocketAddress("192.0.2.10", 40_000));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, ROUTE);
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR,
                URI.create("http://127.0.0.1:18080/api/items/42"));
        return exchange;
    }
}
