package dev.sluice.gateway.support;

import dev.sluice.gateway.GatewayApplication;
import dev.sluice.starter.management.BearerTokens;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The gateway application in the test's own JVM, on free ports (traffic and management), for tests that also read
 * its beans. {@code GatewayProcess} is the one to use when a test needs a separate process to kill.
 */
public final class InProcessGateway implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private InProcessGateway(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts it with {@code settings} ({@code --name=value}) beyond the two free ports. */
    public static InProcessGateway start(List<String> settings) {
        List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0"));
        arguments.addAll(settings);
        return new InProcessGateway(new SpringApplication(GatewayApplication.class).run(arguments.toArray(String[]::new)));
    }

    /** The settings that make {@code token} the gateway's one admin token. */
    public static List<String> adminToken(String token) {
        return List.of("--sluice.gateway.admin.tokens[0].name=ops", "--sluice.gateway.admin.tokens[0].role=admin",
                "--sluice.gateway.admin.tokens[0].sha256=" + HexFormat.of().formatHex(BearerTokens.sha256(token)));
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** An Admin API client on the management port, with {@code token}. */
    public AdminClient admin(String token) {
        return new AdminClient(Integer.parseInt(context.getEnvironment().getProperty("local.management.port")), token);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
