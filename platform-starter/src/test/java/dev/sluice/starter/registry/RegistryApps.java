package dev.sluice.starter.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;

/** A service that registers with nothing but the starter, and a reader that only discovers. */
final class RegistryApps {

    private RegistryApps() {
    }

    @EnableAutoConfiguration
    @RestController
    static class CatalogService {
        @GetMapping("/api/catalog")
        String catalog() {
            return "{\"items\":[]}";
        }
    }

    /** Starts an instance of {@code service} on a free port; {@code extra} are more {@code --name=value} arguments. */
    static ConfigurableApplicationContext service(String service, String redisNodes, String... extra) {
        return run(WebApplicationType.SERVLET, service, redisNodes, extra);
    }

    /** An application without a web server: it discovers, and never registers. */
    static ConfigurableApplicationContext reader(String redisNodes, String... extra) {
        return run(WebApplicationType.NONE, "reader", redisNodes, extra);
    }

    private static ConfigurableApplicationContext run(WebApplicationType type, String name, String redisNodes,
            String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.application.name=" + name,
                "--server.port=0",
                "--spring.data.redis.cluster.nodes=" + redisNodes,
                "--sluice.registry.host=127.0.0.1",
                "--sluice.limits.enabled=false"));
        args.addAll(List.of(extra));
        SpringApplication app = new SpringApplication(CatalogService.class);
        app.setWebApplicationType(type);
        return app.run(args.toArray(String[]::new));
    }

    static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    static List<Integer> ports(ConfigurableApplicationContext reader, String service) {
        return reader.getBean(DiscoveryClient.class).getInstances(service).stream().map(ServiceInstance::getPort)
                .sorted().toList();
    }
}
