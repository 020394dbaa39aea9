package dev.sluice.local;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.Ports;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-command local stack, end to end: up, routed through the gateway, and nothing left after Ctrl-C. It runs
 * from a copy of this repository to which {@code ./new-service.sh notes} added a service, built as
 * {@code ./run-local.sh} builds it: the generated service is found, started and routed with nothing edited by hand
 * (one stack for both checks, to spare CI a third start).
 */
class LocalStackLauncherTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startsEverythingAGeneratedServiceToo_RoutesThroughTheGatewayAndLeavesNothingAfterCtrlC() throws Exception {
        Path copy = RepositoryCopy.withNewService("notes");
        int gatewayPort = Ports.free();
        Path runDir = Path.of("target", "local-stack-test").toAbsolutePath();
        List<String> arguments = new java.util.ArrayList<>(freePortArguments(gatewayPort, runDir));
        arguments.add("--notes-port=0");
        try (LauncherProcess launcher = new LauncherProcess(copy, arguments)) {
            launcher.awaitLine(StatusTable.READY_LINE, Duration.ofMinutes(4));
            launcher.awaitLine("curl http://localhost:" + gatewayPort + "/api/inventory/info", Duration.ofSeconds(5));
            assertThat(launcher.output()).contains("redis-cluster", "seata-tc", "sample-inventory-service",
                    "sample-order-service", "platform-gateway", "platform-local/target/local-stack-test/logs/platform-gateway.log");

            HttpResponse<String> orders = get(gatewayPort, "/api/orders/info");
            HttpResponse<String> inventory = get(gatewayPort, "/api/inventory/info");
            assertThat(orders.statusCode()).isEqualTo(200);
            assertThat(orders.body()).contains("\"service\":\"sample-order-service\"");
            assertThat(inventory.statusCode()).isEqualTo(200);
            assertThat(inventory.body()).contains("\"service\":\"sample-inventory-service\"");
            HttpResponse<String> generated = get(gatewayPort, "/api/notes/greetings/Ada");
            assertThat(generated.statusCode()).as(generated.body()).isEqualTo(200);
            assertThat(generated.body()).contains("Hello, Ada");
            assertThat(launcher.output()).contains("notes-service");
            assertThat(Files.readString(runDir.resolve("logs/seata-tc.log"))).isNotEmpty();

            // The Admin API: a generated token, printed with the file it is kept in (owner-only), and required.
            Path tokenFile = runDir.resolve("admin-token");
            String token = Files.readString(tokenFile).trim();
            assertThat(launcher.output()).contains("admin token: " + token + "  (kept in " + tokenFile + ")");
            assertThat(java.nio.file.Files.getPosixFilePermissions(tokenFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            Matcher cluster = Pattern.compile("(http://localhost:\\d+/admin/v1/cluster)").matcher(launcher.output());
            assertThat(cluster.find()).isTrue();
            URI clusterUri = URI.create(cluster.group(1));
            assertThat(http.send(HttpRequest.newBuilder(clusterUri).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
            HttpResponse<String> view = http.send(HttpRequest.newBuilder(clusterUri).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(view.statusCode()).isEqualTo(200);
            assertThat(view.body()).contains("\"id\":\"local-gateway-1\"", "\"revision\":1");

            List<ProcessHandle> started = launcher.descendants();
            // 6 Redis nodes, the TC and 4 application JVMs, each with a watchdog.
            assertThat(started).hasSizeGreaterThanOrEqualTo(11);

            launcher.signal("INT");
            assertThat(launcher.awaitExit(Duration.ofSeconds(90))).isNotEqualTo(-1);
            Await.until("every process of the stack to end", Duration.ofSeconds(15),
                    () -> started.stream().noneMatch(ProcessHandle::isAlive));
        }
    }

    @Test
    void aComponentThatFailsToStartIsNamedWithItsLogAndTheRestIsStopped() throws Exception {
        Path runDir = Path.of("target", "local-stack-fail-test").toAbsolutePath();
        // An order service whose JVM dies at once: it is given an option no JVM accepts.
        List<String> arguments = new java.util.ArrayList<>(freePortArguments(Ports.free(), runDir));
        arguments.add("--jvm-options=-Xmx384m -XX:+UseSerialGC -XX:SluiceNoSuchOption");
        try (LauncherProcess launcher = new LauncherProcess(arguments)) {
            launcher.awaitLine("failed to start", Duration.ofMinutes(3));
            List<ProcessHandle> started = launcher.descendants();

            assertThat(launcher.awaitExit(Duration.ofSeconds(90))).isEqualTo(1);
            assertThat(launcher.output())
                    .contains("sample-inventory-service failed to start")
                    .contains("its log: " + runDir.resolve("logs/sample-inventory-service.log"));
            assertThat(Files.readString(runDir.resolve("logs/sample-inventory-service.log"))).contains("SluiceNoSuchOption");
            Await.until("the components started before it to be stopped", Duration.ofSeconds(15),
                    () -> started.stream().noneMatch(ProcessHandle::isAlive));
        }
    }

    private static List<String> freePortArguments(int gatewayPort, Path runDir) {
        return List.of("--redis-port=0", "--seata-port=0", "--seata-console-port=0", "--inventory-port=0",
                "--order-port=0", "--gateway-port=" + gatewayPort, "--gateway-management-port=0", "--h2-port=0",
                "--run-dir=" + runDir);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
