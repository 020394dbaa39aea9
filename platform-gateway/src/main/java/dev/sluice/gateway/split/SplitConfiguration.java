package dev.sluice.gateway.split;

import dev.sluice.traffic.address.ClientAddresses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code split} policy. */
@Configuration(proxyBeanMethods = false)
public class SplitConfiguration {

    @Bean
    SplitGatewayFilterFactory sluiceSplitGatewayFilterFactory(ClientAddresses clients) {
        return new SplitGatewayFilterFactory(clients);
    }
}
