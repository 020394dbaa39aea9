package dev.sluice.local;

import dev.sluice.test.kubernetes.Kubectl;
import dev.sluice.test.process.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform as {@code deploy/kubernetes/overlays/dev} deploys it, with Spring Cloud Kubernetes doing the work the
 * Redis registry does elsewhere. No Kubernetes cluster runs here, so the API server is fabric8's mock in CRUD mode,
 * loaded with the rendered manifests; the test plays the controllers (a Pod per process it starts, each Service's
 * Endpoints from its selector). Everything else is real: the Redis Cluster, the TC, PostgreSQL and the service
 * and gateway JVMs, which see a pod's environment ({@code KUBERNETES_SERVICE_HOST}, {@code HOSTNAME}) and so find
 * themselves on Kubernetes with no profile or switch.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesPlatformTest {

    private static final Path OVERLAY = LauncherProcess.REPO_ROOT.resolve("deploy/kubernetes/overlays/dev");
    private static final String ORDERS = "sample-order-service";
    private static final String INVENTORY = "sample-inventory-service";
    private static final String GATEWAY = "platform-gateway";
    private static final String VIEWER_TOKEN = "k8s-test-viewer-" + UUID.randomUUID();

    static KubernetesClient client;

    private static String namespace;
    private static StackConfig config;
    private static AdminToken admin;
    private static List<String> serviceArguments;
    private static PostgresComponent postgres;
    private static final Map<String, Map<String, String>> credentials = new java.util.concurrent.ConcurrentHashMap<>();
    private static final List<Component> started = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final StackLogsOnFailure STACK_LOGS = new StackLogsOnFailure(() -> started, () -> config.logDir());
    /** The running pods by name: the process, and the port its container serves. */
    private static final Map<String, Running> pods = new LinkedHashMap<>();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A pod: its process, listening on the pod's own loopback address and its container's port. */
    private record Running(String deployment, BootAppComponent process, String ip, int port) {
    }

    /** The next pod's IP: each pod has its own loopback address, so the pods of a Service share one port. */
    private static int nextIp = 1;

    @BeforeAll
    static void deploy() throws Exception {
        List<HasMetadata> objects = render();
        for (HasMetadata object : objects) {
            client.resource(object).create();
        }
        namespace = objects.stream().filter(o -> o instanceof Deployment && o.getMetadata().getName().equals(ORDERS))
                .findFirst().orElseThrow().getMetadata().getNamespace();
        // The gateway's initial routes, from its ConfigMap rather than from its image: the operator's own list.
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(GATEWAY).withNamespace(namespace).endMetadata()
                .addToData("application.yaml", """
                        sluice:
                          gateway:
                            routes:
                              - id: k8s-orders-place
                                uri: lb://sample-order-service
                                match: { path: /api/orders, methods: [POST] }
                                timeout: 40s
                              - id: k8s-orders
                                uri: lb://sample-order-service
                                match: { path: /api/orders/**, methods: [GET] }
                              - id: k8s-inventory
                                uri: lb://sample-inventory-service
                                match: { path: /api/inventory/** }
                        """).build()).createOr(existing -> existing.update());

        Path runDir = Path.of("target", "kubernetes-platform").toAbsolutePath();
        dev.sluice.test.process.ProcessReaper.delete(runDir.resolve("data"));
        dev.sluice.test.process.ProcessReaper.delete(runDir.resolve("logs"));
        config = StackConfig.from(new String[] {"--root=" + LauncherProcess.REPO_ROOT, "--run-dir=" + runDir,
                "--redis-port=0", "--seata-port=0", "--seata-console-port=0", "--inventory-port=0", "--order-port=0",
                "--gateway-port=0", "--gateway-management-port=0", "--postgres-port=0", "--database=postgres"},
                Map.of()).withFreePortsForZeros();
        Files.createDirectories(config.logDir());

        RedisClusterComponent redis = new RedisClusterComponent(config);
        SeataComponent tc = new SeataComponent(config);
        // PostgreSQL, as the manifests deploy: the H2 server of the local stack closed the shared orders database
        // when the leader's process was killed, under the order pod that was left.
        postgres = new PostgresComponent(config);
        startTogether(List.of(redis, tc, postgres));

        admin = AdminToken.resolve(Map.of("SLUICE_ADMIN_TOKEN", "k8s-test-admin-" + UUID.randomUUID()),
                runDir);
        List<String> common = List.of("--spring.data.redis.cluster.nodes=" + redis.nodes(),
                "--spring.cloud.kubernetes.client.master-url=" + client.getMasterUrl(),
                "--spring.cloud.kubernetes.client.trust-certs=true",
                "--spring.cloud.kubernetes.client.namespace=" + namespace,
                // Reloads sooner than the 15 s default, and the loggers endpoint, to see a reload land.
                "--spring.cloud.kubernetes.reload.period=2s",
                "--management.endpoints.web.exposure.include=health,prometheus,loggers",
                "--sluice.management.tokens[0].name=test", "--sluice.management.tokens[0].role=viewer",
                "--sluice.management.tokens[0].sha256=" + sha256(VIEWER_TOKEN));
        List<String> services = new ArrayList<>(common);
        services.addAll(List.of(tc.serviceArgument(), "--spring.profiles.active=postgres",
                // The singleton job asks at once and often, so the election starts early; a dead leader's Lease
                // runs out in 6 s rather than 15.
                "--sample.orders.sweep-every=1s", "--sluice.kubernetes.leader.lease-duration=6s",
                "--sluice.kubernetes.leader.renew-deadline=4s", "--sluice.kubernetes.leader.retry-period=1s"));
        serviceArguments = services;
        List<String> gateway = new ArrayList<>(common);
        gateway.addAll(List.of("--management.server.port=" + config.gatewayManagementPort(),
                "--management.server.address=127.0.0.1", "--sluice.gateway.node-id=k8s-gateway-0",
                "--sluice.gateway.store.state-file=" + runDir.resolve("gateway").resolve("last-applied.json")));
        gateway.addAll(List.of(admin.gatewayArguments()));

        // The gateway's pod first: it gets 127.0.0.1, where the test reaches it.
        List<Component> applications = List.of(
                pod(GATEWAY, GATEWAY + "-0", config.gatewayPort(), config.gatewayManagementPort(), gateway, null),
                pod(INVENTORY, INVENTORY + "-0", config.portOf(INVENTORY), 0, services, postgres),
                pod(ORDERS, ORDERS + "-0", config.portOf(ORDERS), 0, services, postgres));
        BootAppComponent secondOrderPod = pod(ORDERS, ORDERS + "-1", config.portOf(ORDERS), 0, services, postgres);
        updateEndpoints();
        startTogether(applications);
        // Then the second order pod, as a rolling start would: a pod at a time.
        startTogether(List.of(secondOrderPod));
    }

    @AfterAll
    static void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).stop();
            }
            catch (RuntimeException e) {
                System.err.println("Could not stop " + started.get(i).name() + ": " + e);
            }
        }
    }

    @Test
    void theGatewayAndTheOrderServiceFindTheServicesByTheirKubernetesNames() throws Exception {
        // The gateway serves the routes of its ConfigMap, not those of its image.
        HttpResponse<String> routes = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + config.gatewayManagementPort() + "/admin/v1/routes")).header("Authorization", "Bearer " + admin.value()));
        assertThat(routes.statusCode()).as(routes.body()).isEqualTo(200);
        assertThat(routes.body()).contains("k8s-orders-place", "k8s-inventory").doesNotContain("\"orders-place\"");

        Api gateway = new Api(config.gatewayPort());
        assertThat(gateway.stock("k8s-widget", 10).status()).isIn(200, 201);
        // Through the gateway (lb://sample-order-service) to an order pod, which reserves the stock at the inventory
        // (lb://sample-inventory-service): both names resolve through the Services' Endpoints.
        Api.Answer order = gateway.order(UUID.randomUUID().toString(), "k8s-widget", 2);
        assertThat(order.status()).as(order.raw().body()).isEqualTo(201);
        assertThat(gateway.item("k8s-widget").number("available")).isEqualTo(8);

        // Every order pod answers through the gateway: the route balances over the Service's endpoints, as the
        // gateway sees them within its discovery cache's 5 s (a pod may have just joined).
        Set<String> pods = runningPods(ORDERS).stream().map(p -> KubernetesPlatformTest.pods.get(p).ip() + ":"
                + KubernetesPlatformTest.pods.get(p).port()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        assertThat(pods).hasSize(2);
        Set<String> answered = new TreeSet<>();
        Await.until("every order pod to answer through the gateway", Duration.ofSeconds(20), () -> {
            answered.add(gateway.get("/api/orders/info").text("instance"));
            return answered.containsAll(pods);
        });
        assertThat(answered).isEqualTo(pods);
    }

    @Test
    void aChangeToTheServicesConfigMapReachesTheRunningService() throws Exception {
        String logger = "/actuator/loggers/dev.sluice.sample.order";
        for (String pod : runningPods(ORDERS)) {
            assertThat(loggerLevel(pod, logger)).as(pod).isNotEqualTo("DEBUG");
        }
        ConfigMap own = client.configMaps().inNamespace(namespace).withName(ORDERS).get();
        assertThat(own).as("the base's ConfigMap for the order service").isNotNull();
        client.configMaps().inNamespace(namespace).withName(ORDERS).edit(map -> new ConfigMapBuilder(map)
                .addToData("application.yaml", """
                        logging:
                          level:
                            dev.sluice: INFO
                            dev.sluice.sample.order: DEBUG
                        """).build());
        for (String pod : runningPods(ORDERS)) {
            Await.until(pod + " to apply its ConfigMap's new log level", Duration.ofSeconds(45),
                    () -> "DEBUG".equals(loggerLevel(pod, logger)));
        }
    }

    @Test
    void whenTheLeadersPodGoesTheOtherOrderPodTakesTheSingletonJob() throws Exception {
        String lease = ORDERS + "-jobs";
        Await.until("an order pod to lead " + lease, Duration.ofSeconds(60), () -> holder(lease) != null);
        String leader = holder(lease);
        assertThat(leader).isIn(ORDERS + "-0", ORDERS + "-1");
        String follower = leader.equals(ORDERS + "-0") ? ORDERS + "-1" : ORDERS + "-0";
        assertThat(log(leader)).contains("Pod " + leader + " leads Lease " + namespace + "/" + lease);
        assertThat(log(follower)).doesNotContain("Pod " + follower + " leads Lease");

        // The leader's pod dies (SIGKILL: no release); the controllers remove it from the API and the Endpoints.
        pods.get(leader).process().kill();
        client.pods().inNamespace(namespace).withName(leader).delete();
        synchronized (pods) {
            pods.remove(leader);
        }
        updateEndpoints();

        // Once the Lease's duration has passed without a renewal, the other pod takes it and runs the job.
        Await.until(follower + " to take " + lease, Duration.ofSeconds(60), () -> follower.equals(holder(lease)));
        Await.until(follower + " to say it leads", Duration.ofSeconds(10),
                () -> log(follower).contains("Pod " + follower + " leads Lease " + namespace + "/" + lease));
        // Orders still go through: the gateway now finds the one order pod left.
        Api gateway = new Api(config.gatewayPort());
        gateway.stock("k8s-gadget", 5);
        Api.Answer order = gateway.order(UUID.randomUUID().toString(), "k8s-gadget", 1);
        assertThat(order.status()).as(order.raw().body()).isEqualTo(201);

        // The ReplicaSet replaces the pod; the newcomer runs for leader but the Lease stays where it is.
        String replacement = ORDERS + "-" + UUID.randomUUID().toString().substring(0, 5);
        BootAppComponent newcomer = pod(ORDERS, replacement, config.portOf(ORDERS), 0, serviceArguments, postgres);
        startTogether(List.of(newcomer));
        updateEndpoints();
        Await.until(replacement + " to run for leader", Duration.ofSeconds(30),
                () -> log(replacement).contains("Pod " + replacement + " runs for leader"));
        Thread.sleep(3_000);
        assertThat(holder(lease)).isEqualTo(follower);
    }

    // --- the controllers' part: pods and endpoints ---

    /**
     * Creates the Pod a Deployment's controller would (its template's labels, ready, the container's port), and the
     * process behind it.
     */
    private static BootAppComponent pod(String deployment, String name, int port, int managementPort,
            List<String> arguments, PostgresComponent database) {
        String ip = "127.0.0." + nextIp++;
        Deployment owner = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
        Objects.requireNonNull(owner, "no Deployment " + deployment + " in the rendered overlay");
        client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withUid(UUID.randomUUID().toString())
                .withLabels(owner.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                .withSpec(owner.getSpec().getTemplate().getSpec())
                .withNewStatus().withPhase("Running").withPodIP(ip)
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build()).create();
        Map<String, String> environment = new LinkedHashMap<>();
        // What the kubelet gives every container: the API server's address, and the pod's name as its host name.
        URI master = URI.create(client.getMasterUrl().toString());
        environment.put("KUBERNETES_SERVICE_HOST", master.getHost());
        environment.put("KUBERNETES_SERVICE_PORT", String.valueOf(master.getPort()));
        environment.put("HOSTNAME", name);
        if (database != null) {
            ServiceModule module = config.services().stream().filter(s -> s.module().equals(deployment)).findFirst()
                    .orElseThrow();
            // One role and password per service, as one Secret per service: each call would set a new password.
            environment.putAll(credentials.computeIfAbsent(deployment,
                    d -> database.serviceEnvironment(module.database(), module.databaseEnvPrefix())));
        }
        BootAppComponent process = new BootAppComponent(name, deployment, config, port,
                managementPort == 0 ? port : managementPort, arguments, environment).at(ip);
        synchronized (pods) {
            pods.put(name, new Running(deployment, process, ip, port));
        }
        return process;
    }

    /** Each Service's Endpoints, as the endpoints controller keeps them: its selector's running pods, one port each. */
    private static void updateEndpoints() {
        for (Service service : client.services().inNamespace(namespace).list().getItems()) {
            Map<String, String> selector = service.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) {
                continue;
            }
            String portName = service.getSpec().getPorts().get(0).getName();
            EndpointsBuilder endpoints = new EndpointsBuilder().withNewMetadata()
                    .withName(service.getMetadata().getName()).withNamespace(namespace).endMetadata();
            List<Map.Entry<String, Running>> selected;
            synchronized (pods) {
                selected = pods.entrySet().stream().filter(p -> {
                    Pod pod = client.pods().inNamespace(namespace).withName(p.getKey()).get();
                    return pod != null && pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
                }).toList();
            }
            // One subset: the pods' addresses on the one port they share (every pod of a Deployment listens on it).
            if (!selected.isEmpty()) {
                var subset = endpoints.addNewSubset();
                for (Map.Entry<String, Running> pod : selected) {
                    subset.addNewAddress().withIp(pod.getValue().ip()).withNewTargetRef().withKind("Pod")
                            .withName(pod.getKey()).withNamespace(namespace).endTargetRef().endAddress();
                }
                subset.addNewPort().withName(portName).withPort(selected.get(0).getValue().port()).endPort()
                        .endSubset();
            }
            client.endpoints().inNamespace(namespace).resource(endpoints.build()).createOr(e -> e.update());
        }
    }

    // --- helpers ---

    private static List<String> runningPods(String deployment) {
        synchronized (pods) {
            return pods.entrySet().stream().filter(p -> p.getValue().deployment().equals(deployment))
                    .map(Map.Entry::getKey).toList();
        }
    }

    private static String holder(String lease) {
        return Optional.ofNullable(client.leases().inNamespace(namespace).withName(lease).get()).map(Lease::getSpec)
                .map(spec -> spec.getHolderIdentity()).filter(h -> !h.isEmpty()).orElse(null);
    }

    private static String loggerLevel(String pod, String logger) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create("http://" + pods.get(pod).ip() + ":"
                + pods.get(pod).port() + logger)).header("Authorization", "Bearer " + VIEWER_TOKEN));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        java.util.regex.Matcher level = java.util.regex.Pattern.compile("\"effectiveLevel\"\\s*:\\s*\"(\\w+)\"")
                .matcher(answer.body());
        return level.find() ? level.group(1) : null;
    }

    private static String log(String pod) {
        try {
            return Files.readString(Path.of(pods.containsKey(pod) ? pods.get(pod).process().log()
                    : config.logDir().resolve(pod + ".log").toString()));
        }
        catch (IOException e) {
            return "";
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** LocalStack's start of a wave; a failure carries each component's state and last warnings. */
    private static void startTogether(List<Component> components) {
        try {
            LocalStack.startTogether(components, started, System.out);
        }
        catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + StackLogsOnFailure.describe(started,
                    config.logDir()), e);
        }
    }

    /** The dev overlay's objects; without kubectl the test skips, unless CI requires it. */
    private static List<HasMetadata> render() throws Exception {
        return client.load(new ByteArrayInputStream(Kubectl.kustomize(OVERLAY).getBytes(StandardCharsets.UTF_8)))
                .items();
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
