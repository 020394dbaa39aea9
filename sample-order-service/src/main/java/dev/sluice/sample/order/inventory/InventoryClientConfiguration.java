package dev.sluice.sample.order.inventory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.restclient.autoconfigure.RestClientBuilderConfigurer;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import java.net.http.HttpClient;
import java.time.Duration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InventoryClientConfiguration.InventoryProperties.class)
class InventoryClientConfiguration {

    /**
     * @param connectTimeout how long to wait for a connection to an inventory instance
     * @param readTimeout how long a reservation may take before the order fails with {@code inventory_unavailable}
     */
    @ConfigurationProperties("orders.inventory")
    record InventoryProperties(@DefaultValue("1s") Duration connectTimeout, @DefaultValue("3s") Duration readTimeout) {
    }

    /** Built with Boot's configurer, so platform customizers (XID propagation) apply; load-balanced by name. */
    @Bean
    @LoadBalanced
    RestClient.Builder loadBalancedRestClientBuilder(RestClientBuilderConfigurer configurer) {
        return configurer.configure(RestClient.builder());
    }

    @Bean
    RestClient inventoryRestClient(RestClient.Builder loadBalancedRestClientBuilder, InventoryProperties properties) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build());
        requests.setReadTimeout(properties.readTimeout());
        return loadBalancedRestClientBuilder.requestFactory(requests).baseUrl("http://sample-inventory-service").build();
    }
}
