package dev.sluice.starter.client;

import org.springframework.core.Ordered;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;

/**
 * Applies {@code sluice.clients.NAME} to the RestClient of HTTP service group {@code NAME}, whether the group came
 * from {@code sluice.clients.NAME.interfaces} or from {@code @ImportHttpServices(group = "NAME")}. It runs after
 * Spring Boot's own group configurers, so the client's settings win.
 */
class ServiceClientGroups implements RestClientHttpServiceGroupConfigurer {

    private final ServiceClients clients;

    ServiceClientGroups(ServiceClients clients) {
        this.clients = clients;
    }

    @Override
    public void configureGroups(Groups<org.springframework.web.client.RestClient.Builder> groups) {
        groups.filter(group -> clients.has(group.name()))
                .forEachClient((group, builder) -> clients.configure(group.name(), builder));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
