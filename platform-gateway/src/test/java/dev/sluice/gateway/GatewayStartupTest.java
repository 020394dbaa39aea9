package dev.sluice.gateway;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An invalid route stops the gateway from starting, with a message that names the field. */
class GatewayStartupTest {

    @Test
    void anInvalidRouteFailsTheStartNamingEachField() {
        assertThatThrownBy(() -> SpringApplication.run(GatewayApplication.class, "--server.port=0",
                "--management.server.port=0",
                "--sluice.gateway.routes[0].id=broken",
                "--sluice.gateway.routes[0].uri=file:///etc/passwd",
                "--sluice.gateway.routes[0].match.path=/x/**",
                "--sluice.gateway.routes[0].rateLimit.rate=0"))
                .rootCause()
                .hasMessageContaining("sluice.gateway.routes[0].uri: scheme must be one of http, https, ws, wss, lb")
                .hasMessageContaining("sluice.gateway.routes[0].rateLimit.rate: must be between 1 and 1000000");
    }

    @Test
    void anUnreadableSchemaFailsTheStart() {
        assertThatThrownBy(() -> SpringApplication.run(GatewayApplication.class, "--server.port=0",
                "--management.server.port=0",
                "--sluice.gateway.routes[0].id=v",
                "--sluice.gateway.routes[0].uri=http://127.0.0.1:1",
                "--sluice.gateway.routes[0].match.path=/x/**",
                "--sluice.gateway.routes[0].validate.jsonSchema=classpath:schemas/missing.json"))
                .rootCause()
                .hasMessageContaining("sluice.gateway.routes[0].validate.jsonSchema: names no readable schema");
    }
}
