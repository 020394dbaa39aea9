package dev.sluice.gateway.headers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.function.SingletonSupplier;
import reactor.netty.http.client.HttpClient;

import java.util.List;
import java.util.function.Supplier;

/**
 * Gateway's routing filter, given the header filters with the copying ones fused ({@link UpstreamHeadersFilter}).
 * Gateway's own routing filter is turned off in {@code application.yml}
 * ({@code spring.cloud.gateway.server.webflux.global-filter.netty-routing.enabled: false}), which also takes its
 * write-response filter, so both are declared here as Gateway declares them. Nothing else changes: the same HTTP
 * client, the same properties, the same filter classes in the chain.
 */
@Configuration(proxyBeanMethods = false)
public class HeadersConfiguration {

    @Bean
    NettyRoutingFilter sluiceRoutingFilter(HttpClient httpClient,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters, HttpClientProperties properties) {
        Supplier<List<HttpHeadersFilter>> fused = SingletonSupplier.of(
                () -> UpstreamHeadersFilter.fuse(headersFilters.getIfAvailable(List::of)));
        return new NettyRoutingFilter(httpClient, new FusedHeaders(fused), properties);
    }

    @Bean
    NettyWriteResponseFilter sluiceWriteResponseFilter(GatewayProperties properties,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
        return new NettyWriteResponseFilter(properties.getStreamingMediaTypes(), headersFilters);
    }

    /** The fused list, resolved on first use as Gateway resolves its own: after every header filter bean exists. */
    private record FusedHeaders(Supplier<List<HttpHeadersFilter>> fused)
            implements ObjectProvider<List<HttpHeadersFilter>> {

        @Override
        public List<HttpHeadersFilter> getObject() {
            return fused.get();
        }

        @Override
        public List<HttpHeadersFilter> getObject(Object... args) {
            return fused.get();
        }

        @Override
        public List<HttpHeadersFilter> getIfAvailable() {
            return fused.get();
        }

        @Override
        public List<HttpHeadersFilter> getIfUnique() {
            return fused.get();
        }
    }
}
