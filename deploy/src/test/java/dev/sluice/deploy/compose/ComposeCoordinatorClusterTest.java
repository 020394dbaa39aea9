package dev.sluice.deploy.compose;

import dev.sluice.test.seata.RaftMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.sluice.deploy.compose.LoopbackHttp.awaitStatus;
import static dev.sluice.deploy.compose.LoopbackHttp.awaitTrue;
import static dev.sluice.deploy.compose.LoopbackHttp.get;
import static dev.sluice.deploy.compose.LoopbackHttp.json;
import static dev.sluice.deploy.compose.LoopbackHttp.placeOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker-compose.yml}'s tc-cluster profile on a real Docker engine: three Seata TCs as a Raft group, turned on
 * by the {@code .env} lines that {@code deploy/docker/init-env.sh --tc-cluster} writes. The leader is killed under a
 * load of orders and started again. Skipped like {@link ComposeStackTest} when no engine answers. Only what the
 * orders need runs: one gateway, no Prometheus.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ComposeCoordinatorClusterTest {

    private static final String[] STACK = {"redis-1", "redis-2", "redis-3", "redis-4", "redis-5", "redis-6",
        "redis-cluster-init", "postgres", "seata", "seata-2", "seata-3", "sample-inventory-service",
        "sample-order-service", "gateway-1"};
    private static final List<String> MEMBERS = List.of("seata", "seata-2", "seata-3");
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path WORK = Path.of("target", "compose-test").toAbsolutePath();

    private static ComposeProject stack;

    @BeforeAll
    static void bringTheClusterUp() throws Exception {
        Docker.assumeEngine();
        stack = new ComposeProject(REPOSITORY, WORK, tcClusterSettings(ComposeProject.randomSubnetPrefix()));
        stack.buildAndStart(Duration.ofMinutes(5), STACK);
        awaitStatus(200, Duration.ofSeconds(30), () -> get(gateway(), "/api/orders/info"));
        awaitStatus(200, Duration.ofSeconds(30), () -> get(gateway(), "/api/inventory/info"));
        OrderTraffic.awaitAnOrderPlaced(gateway());
    }

    @AfterAll
    static void takeTheClusterDown() {
        if (stack == null) {
            return;
        }
        assertThat(stack.tearDown(WORK)).as("containers, networks and volumes of the project after down -v").isEmpty();
    }

    /**
     * The lines {@code init-env.sh --tc-cluster} adds to a fresh {@code .env}, for a project on {@code subnet}: the
     * script runs from a copy, so that it writes that {@code .env} in the test's folder, not the checkout's.
     */
    private static Map<String, String> tcClusterSettings(String subnet) throws IOException, InterruptedException {
        Path copy = WORK.resolve("init-env-" + UUID.randomUUID());
        Path script = copy.resolve("deploy/docker/init-env.sh");
        Files.createDirectories(script.getParent());
        Files.copy(REPOSITORY.resolve("deploy/docker/init-env.sh"), script, StandardCopyOption.COPY_ATTRIBUTES);
        ProcessBuilder run = new ProcessBuilder("bash", script.toString(), "--tc-cluster").redirectErrorStream(true)
                .redirectOutput(copy.resolve("init-env.out").toFile());
        run.environment().put("SLUICE_SUBNET_PREFIX", subnet);
        assertThat(run.start().waitFor()).as("init-env.sh --tc-cluster").isZero();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(copy.resolve(".env"))) {
            int equals = line.indexOf('=');
            String key = equals > 0 ? line.substring(0, equals) : "";
            if (Set.of("COMPOSE_PROFILES", "SLUICE_TC_RAFT_PEERS", "SLUICE_TCC_RAFT_ADDRESSES", "SLUICE_SUBNET_PREFIX")
                    .contains(key)) {
                settings.put(key, line.substring(equals + 1));
            }
        }
        assertThat(settings).containsEntry("COMPOSE_PROFILES", "tc-cluster")
                .containsEntry("SLUICE_SUBNET_PREFIX", subnet)
                .containsKeys("SLUICE_TC_RAFT_PEERS", "SLUICE_TCC_RAFT_ADDRESSES");
        // The secrets the script made are not used (ComposeProject makes the project's own): none stays on disk.
        Files.delete(copy.resolve(".env"));
        return settings;
    }

    @Test
    void ordersGoOnWhenTheLeaderIsKilledAndTheKilledMemberRejoins() throws Exception {
        int stock = 100_000;
        String sku = OrderTraffic.stockedItem(gateway(), "tc-cluster", stock);
        String leader = leader().orElseThrow(() -> new AssertionError("no member names a leader"));
        String leaderContainer = stack.containers(leader).get(0);

        // The group elects a new leader within about 3 s, and it rolls back what was open (those orders are
        // answered 409). The services take longer to follow here than on loopback: a dead container's address does
        // not refuse connections, so calls to it wait out their timeouts (5 s per call, Seata's 10 s to connect).
        // Clients blocked that long send their next order late; every order sent from 20 s after the kill must
        // succeed.
        OrderTraffic.Run run = OrderTraffic.underFault(List.of(gateway(), gateway(), gateway(), gateway()), sku,
                Duration.ofSeconds(5), () -> stack.kill(leaderContainer), Duration.ofSeconds(30));
        System.out.printf("TC leader %s killed: statuses by second %s; %s%n", leader, run.timeline(), pause(run));
        assertThat(run.answeredBeforeFault()).as("orders answered before the kill")
                .isNotEmpty().allMatch(a -> a.status() == 201);
        assertThat(run.sentFrom(Duration.ofSeconds(20))).as("orders placed from 20 s after the kill; by second: "
                + run.timeline()).isNotEmpty().allMatch(a -> a.status() == 201);
        assertThat(run.attempts()).allMatch(a -> OrderTraffic.ANSWERS_UNDER_FAULT.contains(a.status()));
        String elected = leader().orElseThrow(() -> new AssertionError("no leader after the kill"));
        assertThat(elected).isNotEqualTo(leader);
        int sold = OrderTraffic.assertSettledAndConsistent(gateway(), sku, stock, run.attempts());
        System.out.printf("TC leader %s killed, %s elected: %d orders, %d units sold, statuses %s%n", leader, elected,
                run.attempts().size(), sold, run.statusCounts());

        // Started again on its Raft log, the killed member follows the new leader.
        stack.start(leaderContainer);
        awaitTrue(leader + " back, naming " + elected + " as leader", Duration.ofSeconds(90),
                () -> leaderAsSeenBy(leader).filter(elected::equals).isPresent());
        stack.awaitHealthy(Duration.ofMinutes(2));
        assertThat(placeOrder(gateway(), sku, 1).statusCode()).isEqualTo(201);
    }

    /** From the last order answered 201 before the kill to the first one answered 201 after it. */
    private static String pause(OrderTraffic.Run run) {
        long lastBefore = run.attempts().stream().filter(a -> a.status() == 201 && a.answeredAt() < run.faultAt())
                .mapToLong(OrderTraffic.Attempt::answeredAt).max().orElse(run.faultAt());
        long firstAfter = run.attempts().stream().filter(a -> a.status() == 201 && a.at() > run.faultAt())
                .mapToLong(OrderTraffic.Attempt::answeredAt).min().orElse(-1);
        return firstAfter < 0 ? "no order accepted after the kill"
                : String.format("pause in accepted orders %.1f s", (firstAfter - lastBefore) / 1e9);
    }

    /** The service name of the leader, as the first live member that knows one names it. */
    private static Optional<String> leader() {
        for (String member : MEMBERS) {
            Optional<String> named = leaderAsSeenBy(member);
            if (named.isPresent()) {
                return named;
            }
        }
        return Optional.empty();
    }

    /**
     * The leader {@code member}'s console names ({@code /metadata/v1/cluster}, which it serves on its own address in
     * the project's network), asked from inside the member: the console is not published.
     */
    private static Optional<String> leaderAsSeenBy(String member) {
        List<String> containers = stack.containers(member);
        if (containers.isEmpty()) {
            return Optional.empty();
        }
        Docker.Result answer;
        try {
            answer = stack.exec(containers.get(0), "bash", "-c", "exec 4<>/dev/tcp/$SLUICE_TC_ADDRESS/7091 && "
                    + "printf 'GET " + RaftMetadata.PATH + " HTTP/1.0\\r\\n\\r\\n' >&4 && cat <&4");
        }
        catch (IllegalStateException notAnswering) {
            return Optional.empty();
        }
        // Members are .11, .12 and .13 of the subnet, in the order of MEMBERS.
        return RaftMetadata.leader(answer.out())
                .map(address -> Integer.parseInt(address.host().substring(address.host().lastIndexOf('.') + 1)) - 11)
                .filter(index -> index >= 0 && index < MEMBERS.size()).map(MEMBERS::get);
    }

    private static int gateway() {
        return stack.port("SLUICE_GATEWAY_PORT");
    }
}
