package dev.sluice.local;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StackConfigTest {

    @Test
    void defaultsAreTheDocumentedPorts() {
        StackConfig config = StackConfig.from(new String[0], Map.of());
        assertThat(config.redisPort()).isEqualTo(7000);
        assertThat(config.seataPort()).isEqualTo(8091);
        assertThat(config.inventoryPort()).isEqualTo(8102);
        assertThat(config.orderPort()).isEqualTo(8101);
        assertThat(config.gatewayPort()).isEqualTo(8080);
        assertThat(config.gatewayManagementPort()).isEqualTo(8081);
        assertThat(config.database()).isEqualTo("h2");
        assertThat(config.usesPostgres()).isFalse();
        assertThat(config.postgresPort()).isEqualTo(5432);
    }

    @Test
    void postgresIsChosenByArgumentOrEnvironment() {
        assertThat(StackConfig.from(new String[] {"--database=postgres"}, Map.of()).usesPostgres()).isTrue();
        StackConfig fromEnvironment = StackConfig.from(new String[0],
                Map.of("SLUICE_DATABASE", "postgres", "SLUICE_POSTGRES_PORT", "15432"));
        assertThat(fromEnvironment.usesPostgres()).isTrue();
        assertThat(fromEnvironment.postgresPort()).isEqualTo(15432);
    }

    @Test
    void argumentsWinOverTheEnvironmentWhichWinsOverDefaults() {
        StackConfig config = StackConfig.from(new String[] {"--gateway-port=9080"},
                Map.of("SLUICE_GATEWAY_PORT", "7080", "SLUICE_ORDER_PORT", "9101"));
        assertThat(config.gatewayPort()).isEqualTo(9080);
        assertThat(config.orderPort()).isEqualTo(9101);
    }

    @Test
    void badSettingsAreRejectedWithAMessageNamingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> StackConfig.from(new String[] {"--gateway-port=http"}, Map.of()))
                .withMessageContaining("gateway-port must be a port number");
        assertThatIllegalArgumentException().isThrownBy(() -> StackConfig.from(new String[] {"--gateway=1"}, Map.of()))
                .withMessageContaining("Unknown setting --gateway");
        assertThatIllegalArgumentException().isThrownBy(() -> StackConfig.from(new String[] {"--order-port=70000"}, Map.of()))
                .withMessageContaining("order-port");
        assertThatIllegalArgumentException().isThrownBy(() -> StackConfig.from(new String[] {"--database=mysql"}, Map.of()))
                .withMessageContaining("database must be h2 or postgres");
    }
}
