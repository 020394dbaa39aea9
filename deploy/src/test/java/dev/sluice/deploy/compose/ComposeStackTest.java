package dev.sluice.deploy.compose;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sluice.deploy.compose.LoopbackHttp.awaitStatus;
import static dev.sluice.deploy.compose.LoopbackHttp.awaitTrue;
import static dev.sluice.deploy.compose.LoopbackHttp.get;
import static dev.sluice.deploy.compose.LoopbackHttp.getWithToken;
import static dev.sluice.deploy.compose.LoopbackHttp.json;
import static dev.sluice.deploy.compose.LoopbackHttp.placeOrder;
import static dev.sluice.deploy.compose.LoopbackHttp.put;
import static dev.sluice.deploy.compose.LoopbackHttp.send;
import static dev.sluice.deploy.compose.LoopbackHttp.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's {@code docker-compose.yml} on a real Docker engine: the images built from this build's jars, the
 * whole stack up and healthy, then what a team does with it. Skipped when no engine answers, unless
 * {@code SLUICE_REQUIRE_DOCKER=true} (as {@code .ci/run} sets), which makes a missing engine a failure.
 * Grafana is not started: its image cannot be pulled here; its dashboard's queries are run against Prometheus.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ComposeStackTest {

    private static final String[] STACK = {"redis-1", "redis-2", "redis-3", "redis-4", "redis-5", "redis-6",
        "redis-cluster-init", "postgres", "seata", "sample-inventory-service", "sample-order-service", "gateway-1",
        "gateway-2", "prometheus"};
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path WORK = Path.of("target", "compose-test").toAbsolutePath();

    private static ComposeProject stack;

    @BeforeAll
    static void bringTheStackUp() {
        Docker.assumeEngine();
        stack = new ComposeProject(REPOSITORY, WORK);
        stack.buildAndStart(Duration.ofMinutes(5), STACK);
        // Ready containers have registered; each gateway sees both services within its refresh interval.
        for (int gateway : List.of(gateway1(), gateway2())) {
            awaitStatus(200, Duration.ofSeconds(30), () -> get(gateway, "/api/orders/info"));
            awaitStatus(200, Duration.ofSeconds(30), () -> get(gateway, "/api/inventory/info"));
            OrderTraffic.awaitAnOrderPlaced(gateway);
        }
    }

    @AfterAll
    static void takeTheStackDown() {
        if (stack == null) {
            return;
        }
        assertThat(stack.tearDown(WORK)).as("containers, networks and volumes of the project after down -v").isEmpty();
    }

    @Test
    void theReadmeOrderWalkthroughWorksThroughTheGateway() {
        String sku = "walkthrough-" + UUID.randomUUID();
        HttpResponse<String> stocked = put(gateway1(), "/api/inventory/items/" + sku, "{\"available\": 2}");
        assertThat(stocked.statusCode()).isEqualTo(200);

        HttpResponse<String> first = placeOrder(gateway1(), sku, 2);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(json(first).path("status").asString()).isEqualTo("CONFIRMED");

        HttpResponse<String> second = placeOrder(gateway2(), sku, 1);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json(second).path("reason").asString()).isEqualTo("insufficient_stock");
        assertThat(json(second).path("orderStatus").asString()).isEqualTo("CANCELLED");

        JsonNode item = json(get(gateway1(), "/api/inventory/items/" + sku));
        assertThat(item.path("available").asInt()).isZero();
        assertThat(item.path("reserved").asInt()).isZero();
        assertThat(item.path("sold").asInt()).isEqualTo(2);
        JsonNode stats = json(get(gateway2(), "/api/orders/stats?sku=" + sku));
        assertThat(stats.path("confirmed").asInt()).isEqualTo(1);
        assertThat(stats.path("cancelled").asInt()).isEqualTo(1);
        assertThat(stats.path("confirmedQuantity").asInt()).isEqualTo(2);
    }

    @Test
    void aRouteAddedThroughOneGatewayNodesAdminApiIsServedByTheOther() {
        String id = "probe-" + Long.toHexString(System.nanoTime());
        String path = "/" + id + "/api/inventory/info";
        assertThat(get(gateway2(), path).statusCode()).isEqualTo(404);

        HttpResponse<String> created = send(HttpRequest.newBuilder(uri(gateway1Management(), "/admin/v1/routes/" + id))
                .header("Authorization", "Bearer " + stack.adminToken).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"uri\": \"lb://sample-inventory-service\", \"match\": "
                        + "{\"path\": \"/" + id + "/**\"}, \"stripPrefix\": 1, \"timeout\": \"5s\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        HttpResponse<String> served = awaitStatus(200, Duration.ofSeconds(10), () -> get(gateway2(), path));
        assertThat(served.body()).contains("sample-inventory-service");

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(uri(gateway2Management(), "/admin/v1/routes/" + id))
                .header("Authorization", "Bearer " + stack.adminToken).DELETE());
        assertThat(deleted.statusCode()).as(deleted.body()).isBetween(200, 204);
        awaitStatus(404, Duration.ofSeconds(10), () -> get(gateway1(), path));
    }

    @Test
    void theActuatorOfEveryPartAnswersOnlyWithAToken() {
        String order = stack.containers("sample-order-service").get(0);
        int orderPort = stack.hostPort(order, 8101);
        assertThat(get(orderPort, "/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(get(orderPort, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(getWithToken(orderPort, "/actuator/prometheus", stack.viewerToken).statusCode()).isEqualTo(200);
        assertThat(get(gateway1Management(), "/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(getWithToken(gateway1Management(), "/actuator/prometheus", stack.viewerToken).statusCode())
                .isEqualTo(200);
        HttpResponse<String> viewerWrite = send(HttpRequest.newBuilder(uri(gateway1Management(), "/admin/v1/routes/x"))
                .header("Authorization", "Bearer " + stack.viewerToken).DELETE());
        assertThat(viewerWrite.statusCode()).isEqualTo(403);
    }

    @Test
    void theGatewayRunsWithItsRoleJvmOptionsAndTheServicesWithout() {
        // The JVM is the container's first process: the entrypoint's shell execs it.
        String gateway = stack.exec(stack.containers("gateway-1").get(0), "cat", "/proc/1/cmdline").out();
        String order = stack.exec(stack.containers("sample-order-service").get(0), "cat", "/proc/1/cmdline").out();
        assertThat(gateway.split("\0")).contains("-XX:+UseParallelGC", "-XX:MaxRAMPercentage=75");
        assertThat(order.split("\0")).contains("-XX:MaxRAMPercentage=75").doesNotContain("-XX:+UseParallelGC");
    }

    @Test
    void scalingTheOrderServiceToTwoSpreadsOrdersOverBothReplicas() {
        stack.scale("sample-order-service", 2);
        stack.awaitHealthy(Duration.ofMinutes(4));
        List<String> replicas = stack.containers("sample-order-service");
        assertThat(replicas).hasSize(2);

        // Both registered: the gateway's answers name both instances.
        Set<String> seen = ConcurrentHashMap.newKeySet();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            HttpResponse<String> info = get(gateway1(), "/api/orders/info");
            if (info.statusCode() == 200) {
                seen.add(json(info).path("instance").asString());
            }
        }
        assertThat(seen).as("instances answering through the gateway").hasSize(2);

        Map<String, Double> before = committedOrdersByReplica(replicas);
        String sku = "scaled-" + UUID.randomUUID();
        put(gateway1(), "/api/inventory/items/" + sku, "{\"available\": 1000}");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> placed = placeOrder(i % 2 == 0 ? gateway1() : gateway2(), sku, 1);
            assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        }
        Map<String, Double> after = committedOrdersByReplica(replicas);
        for (String replica : replicas) {
            assertThat(after.get(replica) - before.get(replica)).as("orders committed by replica " + replica)
                    .isGreaterThan(0);
        }
        assertThat(json(get(gateway1(), "/api/orders/stats?sku=" + sku)).path("confirmed").asInt()).isEqualTo(20);
    }

    @Test
    void ordersKeepSucceedingWhileARedisMasterFailsOver() throws Exception {
        int stock = 100_000;
        String sku = OrderTraffic.stockedItem(gateway1(), "failover", stock);
        // The master that holds the order service's registry entry: the failover hits discovery as well as a third
        // of the idempotency keys, limit buckets and cache entries.
        String master = masterServing("sluice:registry:{sample-order-service}:heartbeats");
        String masterContainer = stack.containers(master).get(0);

        try {
            // Node timeout 5 s, then the replica's election and the clients' topology refresh: orders failed for
            // about 13 s in our runs. If that opened a gateway's breaker on the order route, it answers 503
            // orders_paused for its 10 s (openFor) more: orders succeeded again from 24 s at worst. The load goes
            // on to 45 s, and orders from 35 s on must all succeed.
            OrderTraffic.Run run = OrderTraffic.underFault(List.of(gateway1(), gateway2(), gateway1(), gateway2()),
                    sku, Duration.ofSeconds(5), () -> stack.stop(masterContainer), Duration.ofSeconds(45));
            System.out.printf("failover of %s: statuses by second after the stop %s%n", master, run.timeline());
            assertThat(run.answeredBeforeFault()).as("orders answered before the stop")
                    .isNotEmpty().allMatch(a -> a.status() == 201);
            assertThat(run.sentFrom(Duration.ofSeconds(35))).as("orders placed from 35 s after the master stopped; "
                    + "by second: " + run.timeline()).isNotEmpty().allMatch(a -> a.status() == 201);
            assertThat(run.attempts()).allMatch(a -> OrderTraffic.ANSWERS_UNDER_FAULT.contains(a.status()));
            int sold = OrderTraffic.assertSettledAndConsistent(gateway1(), sku, stock, run.attempts());
            System.out.printf("failover of %s: %d orders, %d units sold, statuses %s%n", master, run.attempts().size(),
                    sold, run.statusCounts());
        }
        finally {
            // Back as a replica of the promoted node, so that the cluster has its six nodes again.
            stack.start(masterContainer);
            awaitClusterOk();
        }
    }

    @Test
    void prometheusScrapesEveryPartAndEveryDashboardQueryReturnsData() throws IOException {
        int prometheus = stack.port("SLUICE_PROMETHEUS_PORT");
        // Every target is up: both gateways and every replica of each service.
        awaitTrue("every Prometheus target up", Duration.ofSeconds(60), () -> {
            JsonNode targets = json(get(prometheus, "/api/v1/targets")).path("data").path("activeTargets");
            Set<String> jobs = new HashSet<>();
            for (JsonNode target : targets) {
                if (!"up".equals(target.path("health").asString())) {
                    return false;
                }
                jobs.add(target.path("labels").path("job").asString());
            }
            int gateways = 0;
            for (JsonNode target : targets) {
                gateways += "gateway".equals(target.path("labels").path("job").asString()) ? 1 : 0;
            }
            return gateways == 2 && jobs.equals(Set.of("gateway", "sample-order-service", "sample-inventory-service"));
        });
        JsonNode groups = json(get(prometheus, "/api/v1/rules")).path("data").path("groups");
        List<String> rules = new ArrayList<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(rule.path("health").asString()).as(rule.path("name").asString()).isEqualTo("ok");
                rules.add(rule.path("name").asString());
            }
        }
        assertThat(rules).contains("SluiceRouteBreakerOpen", "SluiceRouteErrorRateHigh", "SluiceRateLimiterLocal",
                "SluiceSeataTcUnreachable", "SluiceGatewayConfigStale");

        // The dashboard's queries, as Grafana would send them, each answered with at least one series.
        JsonNode dashboard = LoopbackHttp.JSON.readTree(Files.readString(
                REPOSITORY.resolve("deploy/docker/grafana/dashboards/sluice.json")));
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asString());
            }
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(9);
        String sku = "dashboard-" + UUID.randomUUID();
        put(gateway1(), "/api/inventory/items/" + sku, "{\"available\": 1000}");
        List<String> empty = new ArrayList<>(queries);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!empty.isEmpty() && System.nanoTime() < deadline) {
            // Traffic inside every rate window: orders (TCC outcomes, phase 2), reads through both gateways.
            placeOrder(gateway1(), sku, 1);
            placeOrder(gateway2(), sku, 1);
            get(gateway2(), "/api/inventory/items/" + sku);
            empty.removeIf(query -> !json(get(prometheus, "/api/v1/query?query="
                    + URLEncoder.encode(query.replace("$__rate_interval", "1m"), StandardCharsets.UTF_8)))
                    .path("data").path("result").isEmpty());
            ComposeProject.sleep(Duration.ofSeconds(2));
        }
        assertThat(empty).as("dashboard queries with no data").isEmpty();
    }

    /** The compose service name of the master that serves {@code key}'s slot, read from a live node. */
    private static String masterServing(String key) {
        String node = liveRedisNode();
        int slot = Integer.parseInt(stack.exec(node, "redis-cli", "cluster", "keyslot", key).out().trim());
        for (String line : stack.exec(node, "redis-cli", "cluster", "nodes").lines()) {
            String[] fields = line.split(" ");
            if (!fields[2].contains("master") || fields[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < fields.length; i++) {
                String[] range = fields[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    Matcher hostname = Pattern.compile(",([^ ,]+)$").matcher(fields[1]);
                    assertThat(hostname.find()).as("node address with hostname: " + fields[1]).isTrue();
                    return hostname.group(1);
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    private static String liveRedisNode() {
        for (int i = 1; i <= 6; i++) {
            List<String> containers = stack.containers("redis-" + i);
            if (!containers.isEmpty()) {
                return containers.get(0);
            }
        }
        throw new IllegalStateException("no Redis node runs");
    }

    private static void awaitClusterOk() {
        awaitTrue("Redis cluster_state:ok with 6 nodes", Duration.ofSeconds(60), () -> {
            String node = liveRedisNode();
            String info = stack.exec(node, "redis-cli", "cluster", "info").out();
            long connected = stack.exec(node, "redis-cli", "cluster", "nodes").lines().stream()
                    .filter(l -> l.contains(" connected") && !l.contains("fail")).count();
            return info.contains("cluster_state:ok") && connected == 6;
        });
    }

    /** Sums {@code sluice_tcc_global_transactions_seconds_count{outcome="committed"}} per replica. */
    private static Map<String, Double> committedOrdersByReplica(List<String> replicas) {
        Map<String, Double> committed = new java.util.HashMap<>();
        Pattern line = Pattern.compile("^sluice_tcc_global_transactions_seconds_count\\{[^}]*outcome=\"committed\"[^}]*} (\\S+)$");
        for (String replica : replicas) {
            HttpResponse<String> metrics = getWithToken(stack.hostPort(replica, 8101), "/actuator/prometheus",
                    stack.viewerToken);
            assertThat(metrics.statusCode()).isEqualTo(200);
            double sum = 0;
            for (String l : metrics.body().lines().toList()) {
                Matcher m = line.matcher(l);
                if (m.find()) {
                    sum += Double.parseDouble(m.group(1));
                }
            }
            committed.put(replica, sum);
        }
        return committed;
    }

    private static int gateway1() {
        return stack.port("SLUICE_GATEWAY_PORT");
    }

    private static int gateway2() {
        return stack.port("SLUICE_GATEWAY2_PORT");
    }

    private static int gateway1Management() {
        return stack.port("SLUICE_GATEWAY_MANAGEMENT_PORT");
    }

    private static int gateway2Management() {
        return stack.port("SLUICE_GATEWAY2_MANAGEMENT_PORT");
    }

}
