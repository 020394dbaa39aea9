package dev.sluice.gateway.headers;

import dev.sluice.gateway.observability.TraceContextFilter;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.GRPCResponseHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fused filters against Gateway's own chain, on the same requests and answers: the headers sent upstream and
 * passed back must be the same, names and values, with one copy of the request's headers instead of several.
 */
class UpstreamHeadersFilterTest {

    /** Gateway's header filters as it registers them with no trusted proxies, and Sluice's trace context. */
    private static List<HttpHeadersFilter> gatewayChain() {
        List<HttpHeadersFilter> filters = new ArrayList<>(List.of(new RemoveForwardedHeadersFilter(),
                new RemoveXForwardedHeadersFilter(), new RemoveHopByHopHeadersFilter(), new GRPCRequestHeadersFilter(),
                new GRPCResponseHeadersFilter(), new TransferEncodingNormalizationHeadersFilter(), new TraceContextFilter()));
        AnnotationAwareOrderComparator.sort(filters);
        return filters;
    }

    private static final List<Map<String, List<String>>> REQUESTS = List.of(
            Map.of("Accept", List.of("*/*"), "Host", List.of("gateway.example")),
            Map.of("Connection", List.of("keep-alive, X-Session-Hop"), "X-Session-Hop", List.of("1"),
                    "Keep-Alive", List.of("timeout=5"), "Proxy-Authorization", List.of("Basic abc"),
                    "TE", List.of("gzip"), "Upgrade", List.of("h2c"), "X-Kept", List.of("a", "b")),
            Map.of("Forwarded", List.of("for=192.0.2.1"), "X-Forwarded-For", List.of("192.0.2.1"),
                    "x-forwarded-proto", List.of("https"), "X-Forwardedness", List.of("kept")),
            Map.of("Content-Type", List.of("application/grpc+proto"), "TE", List.of("trailers")),
            Map.of("Transfer-Encoding", List.of("chunked"), "Content-Length", List.of("12"),
                    "Content-Type", List.of("application/json")),
            Map.of("traceparent", List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                    "tracestate", List.of("vendor=1")));

    @Test
    void theRequestSentUpstreamIsWhatGatewaysChainWouldSend() {
        List<HttpHeadersFilter> fused = UpstreamHeadersFilter.fuse(gatewayChain());
        for (Map<String, List<String>> headers : REQUESTS) {
            HttpHeaders expected = HttpHeadersFilter.filterRequest(gatewayChain(), exchange(headers));
            HttpHeaders actual = HttpHeadersFilter.filterRequest(fused, exchange(headers));
            boolean continued = headers.containsKey("traceparent");
            assertThat(withoutNewIds(actual, continued)).as("sent upstream for %s", headers)
                    .isEqualTo(withoutNewIds(expected, continued));
            assertThat(actual.getFirst("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        }
    }

    @Test
    void anAnswerLosesItsHopByHopHeadersAsWithGatewaysChain() {
        List<HttpHeadersFilter> fused = UpstreamHeadersFilter.fuse(gatewayChain());
        List<Map<String, List<String>>> answers = List.of(
                Map.of("Content-Type", List.of("text/plain"), "Content-Length", List.of("3")),
                Map.of("Connection", List.of("keep-alive, X-Hop"), "Keep-Alive", List.of("timeout=5"),
                        "X-Hop", List.of("1"), "ETag", List.of("\"a\""), "Transfer-Encoding", List.of("chunked")));
        for (Map<String, List<String>> headers : answers) {
            MockServerWebExchange exchange = exchange(Map.of());
            exchange.getResponse().setStatusCode(HttpStatus.OK);
            HttpHeaders expected = HttpHeadersFilter.filter(gatewayChain(), mutable(headers), exchange, Type.RESPONSE);
            HttpHeaders actual = HttpHeadersFilter.filter(fused, mutable(headers), exchange, Type.RESPONSE);
            assertThat(asMap(actual)).as("answer %s", headers).isEqualTo(asMap(expected));
        }
    }

    @Test
    void onlyGatewaysOwnCopyingFiltersAreReplaced() {
        RemoveHopByHopHeadersFilter custom = new RemoveHopByHopHeadersFilter();
        custom.setHeaders(Set.of("X-Internal"));
        XForwardedHeadersFilter trusted = new XForwardedHeadersFilter(".*");
        List<HttpHeadersFilter> fused = UpstreamHeadersFilter.fuse(List.of(trusted, custom, new TraceContextFilter(),
                new TransferEncodingNormalizationHeadersFilter()));

        assertThat(fused).hasSize(4);
        assertThat(fused.get(0)).isSameAs(trusted);
        assertThat(fused.get(1)).isInstanceOf(TransferEncodingNormalizationHeadersFilter.class);
        assertThat(fused.get(2)).isInstanceOf(UpstreamHeadersFilter.class);
        assertThat(fused.get(3)).isInstanceOf(AnswerHeadersFilter.class);

        HttpHeaders sent = HttpHeadersFilter.filterRequest(fused,
                exchange(Map.of("X-Internal", List.of("1"), "Keep-Alive", List.of("timeout=5"), "Forwarded", List.of("for=a"))));
        assertThat(sent.containsHeader("X-Internal")).as("the configured hop-by-hop header").isFalse();
        assertThat(sent.containsHeader("Keep-Alive")).as("not configured as hop-by-hop here").isTrue();
        assertThat(sent.containsHeader("Forwarded")).as("no RemoveForwardedHeadersFilter in the list").isTrue();
        assertThat(sent.getFirst("X-Forwarded-For")).as("the trusted-proxy filter still adds").isNotNull();
        assertThat(sent.containsHeader("traceparent")).isTrue();
    }

    @Test
    void anAnswerWithoutHopByHopHeadersIsPassedOnUncopied() {
        HttpHeaders answer = mutable(Map.of("Content-Type", List.of("text/plain")));
        MockServerWebExchange exchange = exchange(Map.of());
        HttpHeadersFilter filter = UpstreamHeadersFilter.fuse(gatewayChain()).stream()
                .filter(AnswerHeadersFilter.class::isInstance).findFirst().orElseThrow();
        assertThat(filter.filter(answer, exchange)).isSameAs(answer);
        HttpHeaders readOnly = HttpHeaders.readOnlyHttpHeaders(mutable(Map.of("Keep-Alive", List.of("5"), "A", List.of("1"))));
        assertThat(asMap(filter.filter(readOnly, exchange))).isEqualTo(Map.of("a", List.of("1")));
    }

    private static MockServerWebExchange exchange(Map<String, List<String>> headers) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("http://gateway.example/x")
                .remoteAddress(new java.net.InetSocketAddress("10.0.0.9", 4000));
        headers.forEach((name, values) -> request.header(name, values.toArray(String[]::new)));
        return MockServerWebExchange.from(request);
    }

    private static HttpHeaders mutable(Map<String, List<String>> headers) {
        HttpHeaders out = new HttpHeaders();
        headers.forEach(out::addAll);
        return out;
    }

    /** The headers with the random part of traceparent masked: the span id, and the trace id of a new trace. */
    private static Map<String, List<String>> withoutNewIds(HttpHeaders headers, boolean continuedTrace) {
        Map<String, List<String>> map = asMap(headers);
        map.computeIfPresent("traceparent", (name, values) -> {
            String value = values.get(0);
            return List.of((continuedTrace ? value.substring(0, 35) : "00-new") + value.substring(52));
        });
        return map;
    }

    private static Map<String, List<String>> asMap(HttpHeaders headers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        headers.forEach((name, values) -> map.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return new java.util.TreeMap<>(map);
    }
}
