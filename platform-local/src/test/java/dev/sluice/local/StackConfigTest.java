package dev.sluice.local;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StackConfigTest {

    /** Settings as the launcher gets them, for this repository (whose modules are the services). */
    private static StackConfig from(String... args) {
        return from(Map.of(), args);
    }

    private static StackConfig from(Map<String, String> environment, String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("--root=" + LauncherProcess.REPO_ROOT),
                java.util.Arrays.stream(args)).toArray(String[]::new);
        return StackConfig.from(all, environment);
    }

    @Test
    void defaultsAreTheDocumentedPorts() {
        StackConfig config = from();
        assertThat(config.redisPort()).isEqualTo(7000);
        assertThat(config.seataPort()).isEqualTo(8091);
        assertThat(config.portOf("sample-inventory-service")).isEqualTo(8102);
        assertThat(config.portOf("sample-order-service")).isEqualTo(8101);
        assertThat(config.gatewayPort()).isEqualTo(8080);
        assertThat(config.gatewayManagementPort()).isEqualTo(8081);
        assertThat(config.database()).isEqualTo("h2");
        assertThat(config.usesPostgres()).isFalse();
        assertThat(config.postgresPort()).isEqualTo(5432);
    }

    @Test
    void theGatewayGetsItsOwnJvmOptionsAndTheServicesKeepTheirs() {
        StackConfig config = from();
        assertThat(config.jvmOptionsOf("platform-gateway"))
                .containsExactly("-XX:+UseParallelGC", "-Xms512m", "-Xmx512m")
                .doesNotContain("-XX:TieredStopAtLevel=1");
        assertThat(config.jvmOptionsOf("sample-order-service")).contains("-XX:TieredStopAtLevel=1");

        StackConfig given = from(Map.of("SLUICE_GATEWAY_JVM_OPTIONS", "-Xmx1g"), "--jvm-options=-Xmx200m");
        assertThat(given.jvmOptionsOf("platform-gateway")).containsExactly("-Xmx1g");
        assertThat(given.jvmOptionsOf("sample-inventory-service")).containsExactly("-Xmx200m");
        assertThat(from("--gateway-jvm-options=").jvmOptionsOf("platform-gateway")).isEmpty();
    }

    @Test
    void postgresIsChosenByArgumentOrEnvironment() {
        assertThat(from("--database=postgres").usesPostgres()).isTrue();
        StackConfig fromEnvironment = from(Map.of("SLUICE_DATABASE", "postgres", "SLUICE_POSTGRES_PORT", "15432"));
        assertThat(fromEnvironment.usesPostgres()).isTrue();
        assertThat(fromEnvironment.postgresPort()).isEqualTo(15432);
    }

    @Test
    void argumentsWinOverTheEnvironmentWhichWinsOverDefaults() {
        StackConfig config = from(Map.of("SLUICE_GATEWAY_PORT", "7080", "SLUICE_ORDER_PORT", "9101"),
                "--gateway-port=9080");
        assertThat(config.gatewayPort()).isEqualTo(9080);
        assertThat(config.portOf("sample-order-service")).isEqualTo(9101);
    }

    @Test
    void theServicesAreTheModulesWithALocalStackFileInThePomsOrder() {
        assertThat(from().services()).extracting(ServiceModule::module)
                .containsExactly("sample-inventory-service", "sample-order-service");
        assertThat(from().services().get(1)).isEqualTo(new ServiceModule("sample-order-service", 8101, "orders", "ORDER"));
    }

    @Test
    void oneTcByDefaultOrARaftGroupWhosePortsFollowSeatasLayout() {
        assertThat(from().tcNodes()).isEqualTo(1);
        assertThat(from().tcCluster()).isFalse();
        StackConfig group = from("--tc-nodes=3");
        assertThat(group.tcCluster()).isTrue();
        assertThat(group.seataPort()).isEqualTo(group.seataConsolePort() + 1000);

        // Free ports for a group: the whole layout at once, every member's three ports free.
        StackConfig free = from("--tc-nodes=3", "--seata-port=0", "--seata-console-port=0").withFreePortsForZeros();
        assertThat(free.seataPort()).isEqualTo(free.seataConsolePort() + 1000);
        for (int member = 0; member < 3; member++) {
            for (int offset : new int[] {0, 1000, 2000}) {
                assertThat(dev.sluice.test.process.Ports.isFree(free.seataConsolePort() + member + offset)).isTrue();
            }
        }
        StackConfig fromTransactionPort = from("--tc-nodes=3", "--seata-port=18091", "--seata-console-port=0")
                .withFreePortsForZeros();
        assertThat(fromTransactionPort.seataConsolePort()).isEqualTo(17091);

        assertThatIllegalArgumentException().isThrownBy(() -> from("--tc-nodes=3", "--seata-port=8095"))
                .withMessageContaining("--seata-port must be --seata-console-port + 1000");
        assertThatIllegalArgumentException().isThrownBy(() -> from("--tc-nodes=0"))
                .withMessageContaining("tc-nodes must be 1");
        assertThatIllegalArgumentException().isThrownBy(() -> from("--tc-nodes=three"))
                .withMessageContaining("tc-nodes must be 1");
    }

    @Test
    void badSettingsAreRejectedWithAMessageNamingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> from("--gateway-port=http"))
                .withMessageContaining("gateway-port must be a port number");
        assertThatIllegalArgumentException().isThrownBy(() -> from("--gateway=1"))
                .withMessageContaining("Unknown setting --gateway");
        assertThatIllegalArgumentException().isThrownBy(() -> from("--order-port=70000"))
                .withMessageContaining("order-port");
        assertThatIllegalArgumentException().isThrownBy(() -> from("--database=mysql"))
                .withMessageContaining("database must be h2 or postgres");
    }
}
