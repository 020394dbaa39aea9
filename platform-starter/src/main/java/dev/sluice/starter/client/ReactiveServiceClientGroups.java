package dev.sluice.starter.client;

import io.netty.channel.ChannelOption;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The reactive twin of {@link ServiceClientGroups}: applies {@code sluice.clients.NAME} to the WebClient of HTTP
 * service group {@code NAME}: base URL, connect timeout, {@link ReactiveClientCallFilter}, problem errors.
 */
class ReactiveServiceClientGroups implements WebClientHttpServiceGroupConfigurer {

    private final ServiceClients clients;
    private final ReactiveDiscoveryClient discovery;

    ReactiveServiceClientGroups(ServiceClients clients, ReactiveDiscoveryClient discovery) {
        this.clients = clients;
        this.discovery = discovery;
    }

    @Override
    public void configureGroups(Groups<WebClient.Builder> groups) {
        groups.filter(group -> clients.has(group.name()))
                .forEachClient((group, builder) -> configure(group.name(), builder));
    }

    private void configure(String name, WebClient.Builder builder) {
        ClientProperties.Client client = clients.settings(name);
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) client.connectTimeout().toMillis());
        builder.baseUrl(client.baseUrl())
                .clientConnector(new ReactorClientHttpConnector(http))
                .filter(new ReactiveClientCallFilter(clients.call(name), discovery))
                .defaultStatusHandler(HttpStatusCode::isError, response -> response.bodyToMono(byte[].class)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(body -> Mono.error(ProblemErrorHandler.problem(name, response.statusCode().value(),
                                response.headers().contentType().orElse(null), body))));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
