package dev.sluice.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules every manifest under {@code deploy/kubernetes} keeps, checked on what each overlay renders to, since no
 * Kubernetes cluster runs here. Rendering needs {@code kubectl} (with its built-in kustomize): without it the
 * overlay tests skip, unless {@code SLUICE_REQUIRE_KUBECTL=true} (as {@code .ci/run} sets) makes that a failure; the
 * base's own files are parsed either way.
 */
class KubernetesManifestsTest {

    /**
     * What each workload's code does with the Kubernetes API: its Role may grant these and nothing more. Every
     * service, the gateway included, has the starter's Spring Cloud Kubernetes (fabric8): discovery gets and lists
     * services, lists endpoints and gets its own pod; configuration gets its own ConfigMap and Secret by name
     * ({@code read-type: SINGLE}, polled). The order service has a singleton job, so it also runs for leader through
     * a Lease, which the fabric8 elector gets, creates and patches.
     */
    private static final Set<String> SPRING_CLOUD_KUBERNETES = Set.of("services:get", "services:list",
            "endpoints:list", "pods:get", "configmaps:get", "secrets:get");
    private static final Map<String, Set<String>> API_USE = Map.of(
            "platform-gateway", SPRING_CLOUD_KUBERNETES,
            "sample-inventory-service", SPRING_CLOUD_KUBERNETES,
            "sample-order-service", union(SPRING_CLOUD_KUBERNETES, Set.of("leases:get", "leases:create", "leases:patch")));

    private static Set<String> union(Set<String> one, Set<String> other) {
        Set<String> both = new TreeSet<>(one);
        both.addAll(other);
        return both;
    }

    @Test
    void everyFileOfTheBaseIsValidKubernetes() throws IOException {
        List<Path> files;
        try (Stream<Path> found = Files.list(Manifests.KUBERNETES.resolve("base"))) {
            files = found.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted()
                    .toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            assertThat(Manifests.parse(file)).as(file.toString()).isNotEmpty();
        }
    }

    @Test
    void aMisspeltFieldOrAnUnknownKindIsRefused() {
        String misspelt = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: typo
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: app
                          readinesProbe:
                            tcpSocket:
                              port: 8080
                """;
        assertThatThrownBy(() -> Manifests.parse(misspelt, "test"))
                .hasMessageContaining("Deployment/typo: unknown field(s) [readinesProbe] at .spec.template.spec.containers[0]");
        assertThatThrownBy(() -> Manifests.parse("apiVersion: v1\nkind: Deploymint\nmetadata:\n  name: x\n", "test"))
                .hasMessageContaining("not a kind the Kubernetes model knows");
    }

    @ParameterizedTest(name = "overlays/{0}")
    @ValueSource(strings = {"dev", "production"})
    void eachOverlayRendersToValidManifestsThatKeepTheRules(String overlay) throws Exception {
        List<HasMetadata> objects = Manifests.render(Manifests.KUBERNETES.resolve("overlays").resolve(overlay));
        Rules rules = new Rules(objects);

        List<String> broken = new ArrayList<>();
        broken.addAll(rules.workloadsAreProbedLimitedAndLockedDown());
        broken.addAll(rules.eachWorkloadHasAnAccountAndADisruptionBudget());
        broken.addAll(rules.applicationsScale());
        broken.addAll(rules.servicesSelectPodsAndTheirPorts());
        broken.addAll(rules.containerPortsAreTheApplicationsOwn());
        broken.addAll(rules.referencedConfigExistsOrIsUserProvided(userProvidedSecrets()));
        broken.addAll(rules.secretsAreNeverLiteral());
        broken.addAll(rules.rolesGrantOnlyWhatTheCodeUses(API_USE));
        assertThat(broken).as("rules broken by overlays/" + overlay).isEmpty();

        assertThat(objects).filteredOn(o -> o instanceof Deployment d && d.getMetadata().getName().equals("platform-gateway"))
                .singleElement().extracting(o -> ((Deployment) o).getSpec().getReplicas())
                .isEqualTo(overlay.equals("dev") ? 1 : 3);
        assertThat(objects).allMatch(o -> o.getMetadata().getNamespace() != null || o.getKind().equals("Namespace"));
    }

    /**
     * The Secrets a user creates, from the README's table: {@code | `sluice-secrets` | `KEY` | ... |} rows, as
     * {@code name/key}.
     */
    private static Set<String> userProvidedSecrets() throws IOException {
        Set<String> keys = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\| `([A-Za-z0-9_]+)` \\|")
                .matcher(Files.readString(Manifests.KUBERNETES.resolve("README.md")));
        while (row.find()) {
            keys.add(row.group(1) + "/" + row.group(2));
        }
        return keys;
    }

    /** The checks, each returning what breaks it. */
    private record Rules(List<HasMetadata> objects) {

        <T> List<T> all(Class<T> kind) {
            return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        /** Deployments and StatefulSets with their pod templates. */
        Map<String, PodTemplateSpec> workloads() {
            Map<String, PodTemplateSpec> pods = new java.util.TreeMap<>();
            all(Deployment.class).forEach(d -> pods.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
            all(StatefulSet.class).forEach(s -> pods.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
            return pods;
        }

        List<String> workloadsAreProbedLimitedAndLockedDown() {
            List<String> broken = new ArrayList<>();
            workloads().forEach((name, pod) -> {
                var podSecurity = pod.getSpec().getSecurityContext();
                if (podSecurity == null || !Boolean.TRUE.equals(podSecurity.getRunAsNonRoot())) {
                    broken.add(name + ": the pod does not require a non-root user");
                }
                for (Container c : pod.getSpec().getContainers()) {
                    String where = name + " container " + c.getName();
                    if (c.getStartupProbe() == null || c.getLivenessProbe() == null || c.getReadinessProbe() == null) {
                        broken.add(where + ": needs startup, liveness and readiness probes");
                    }
                    var resources = c.getResources();
                    for (String kind : List.of("cpu", "memory")) {
                        if (resources == null || resources.getRequests() == null || !resources.getRequests().containsKey(kind)
                                || resources.getLimits() == null || !resources.getLimits().containsKey(kind)) {
                            broken.add(where + ": needs a " + kind + " request and limit");
                        }
                    }
                    var security = c.getSecurityContext();
                    if (security == null || !Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())
                            || !Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())
                            || security.getCapabilities() == null
                            || !security.getCapabilities().getDrop().contains("ALL")) {
                        broken.add(where + ": needs a read-only root, no privilege escalation and all capabilities dropped");
                    }
                }
            });
            return broken;
        }

        List<String> eachWorkloadHasAnAccountAndADisruptionBudget() {
            List<String> broken = new ArrayList<>();
            Set<String> accounts = new TreeSet<>(all(ServiceAccount.class).stream().map(a -> a.getMetadata().getName()).toList());
            workloads().forEach((name, pod) -> {
                String account = pod.getSpec().getServiceAccountName();
                if (account == null || !accounts.contains(account)) {
                    broken.add(name + ": runs as ServiceAccount " + account + ", which the manifests do not create");
                }
                Map<String, String> labels = pod.getMetadata().getLabels();
                boolean budgeted = all(PodDisruptionBudget.class).stream()
                        .anyMatch(b -> selects(b.getSpec().getSelector().getMatchLabels(), labels));
                if (!budgeted) {
                    broken.add(name + ": no PodDisruptionBudget selects its pods");
                }
            });
            return broken;
        }

        /** The gateway and every service: a HorizontalPodAutoscaler aims at each Deployment. */
        List<String> applicationsScale() {
            List<String> broken = new ArrayList<>();
            for (Deployment deployment : all(Deployment.class)) {
                String name = deployment.getMetadata().getName();
                boolean scaled = all(HorizontalPodAutoscaler.class).stream()
                        .anyMatch(h -> h.getSpec().getScaleTargetRef().getKind().equals("Deployment")
                                && h.getSpec().getScaleTargetRef().getName().equals(name));
                if (!scaled) {
                    broken.add("Deployment/" + name + ": no HorizontalPodAutoscaler");
                }
            }
            return broken;
        }

        List<String> servicesSelectPodsAndTheirPorts() {
            List<String> broken = new ArrayList<>();
            for (Service service : all(Service.class)) {
                String where = "Service/" + service.getMetadata().getName();
                List<PodTemplateSpec> selected = workloads().values().stream()
                        .filter(p -> selects(service.getSpec().getSelector(), p.getMetadata().getLabels())).toList();
                if (selected.isEmpty()) {
                    broken.add(where + ": selects no workload's pods (" + service.getSpec().getSelector() + ")");
                    continue;
                }
                for (ServicePort port : service.getSpec().getPorts()) {
                    for (PodTemplateSpec pod : selected) {
                        boolean found = pod.getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream())
                                .anyMatch(p -> port.getTargetPort().getStrVal() != null
                                        ? port.getTargetPort().getStrVal().equals(p.getName())
                                        : Objects.equals(port.getTargetPort().getIntVal(), p.getContainerPort()));
                        if (!found) {
                            broken.add(where + ": port " + port.getName() + " targets " + port.getTargetPort()
                                    + ", which its pods do not declare");
                        }
                    }
                }
            }
            return broken;
        }

        /**
         * Each container of ours declares the ports its application listens on: a Spring Boot module's
         * {@code server.port} and {@code management.server.port} (application.yml), the TC's port from its image,
         * Redis's from the configuration the nodes run with.
         */
        List<String> containerPortsAreTheApplicationsOwn() {
            List<String> broken = new ArrayList<>();
            workloads().forEach((name, pod) -> {
                for (Container c : pod.getSpec().getContainers()) {
                    Set<Integer> declared = new TreeSet<>(c.getPorts().stream().map(ContainerPort::getContainerPort).toList());
                    Set<Integer> listens = listeningPorts(c.getImage());
                    if (listens != null && !declared.equals(listens)) {
                        broken.add(name + " container " + c.getName() + ": declares ports " + declared
                                + " but its application listens on " + listens);
                    }
                }
            });
            return broken;
        }

        List<String> referencedConfigExistsOrIsUserProvided(Set<String> userSecrets) {
            List<String> broken = new ArrayList<>();
            Set<String> configMaps = new TreeSet<>(all(ConfigMap.class).stream().map(m -> m.getMetadata().getName()).toList());
            workloadsAndJobs().forEach((name, pod) -> {
                for (Container c : pod.getSpec().getContainers()) {
                    for (EnvFromSource from : c.getEnvFrom()) {
                        if (from.getConfigMapRef() != null && !configMaps.contains(from.getConfigMapRef().getName())) {
                            broken.add(name + ": envFrom ConfigMap " + from.getConfigMapRef().getName() + " does not exist");
                        }
                        if (from.getSecretRef() != null) {
                            broken.add(name + ": envFrom a whole Secret; reference its keys one by one");
                        }
                    }
                    for (EnvVar env : c.getEnv()) {
                        if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                            var ref = env.getValueFrom().getSecretKeyRef();
                            if (!userSecrets.contains(ref.getName() + "/" + ref.getKey())) {
                                broken.add(name + ": Secret key " + ref.getName() + "/" + ref.getKey()
                                        + " is not in deploy/kubernetes/README.md's table of Secrets you provide");
                            }
                        }
                        if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null
                                && !configMaps.contains(env.getValueFrom().getConfigMapKeyRef().getName())) {
                            broken.add(name + ": ConfigMap " + env.getValueFrom().getConfigMapKeyRef().getName()
                                    + " does not exist");
                        }
                    }
                }
                for (Volume volume : pod.getSpec().getVolumes()) {
                    if (volume.getConfigMap() != null && !configMaps.contains(volume.getConfigMap().getName())) {
                        broken.add(name + ": volume ConfigMap " + volume.getConfigMap().getName() + " does not exist");
                    }
                    if (volume.getSecret() != null && userSecrets.stream()
                            .noneMatch(k -> k.startsWith(volume.getSecret().getSecretName() + "/"))) {
                        broken.add(name + ": volume Secret " + volume.getSecret().getSecretName() + " is not provided");
                    }
                }
            });
            return broken;
        }

        /** No Secret object in the manifests, and no password, token or digest written as a literal value. */
        List<String> secretsAreNeverLiteral() {
            List<String> broken = new ArrayList<>();
            objects.stream().filter(o -> o.getKind().equals("Secret"))
                    .forEach(o -> broken.add("Secret/" + o.getMetadata().getName() + ": secrets are user-provided, not in the manifests"));
            workloadsAndJobs().forEach((name, pod) -> pod.getSpec().getContainers().forEach(c -> c.getEnv().stream()
                    .filter(e -> e.getValue() != null && e.getName().matches(".*(PASSWORD|SHA256|SECRET|_TOKEN)$"))
                    .forEach(e -> broken.add(name + ": " + e.getName() + " has a literal value"))));
            return broken;
        }

        List<String> rolesGrantOnlyWhatTheCodeUses(Map<String, Set<String>> apiUse) {
            List<String> broken = new ArrayList<>();
            for (RoleBinding binding : all(RoleBinding.class)) {
                Role role = all(Role.class).stream()
                        .filter(r -> r.getMetadata().getName().equals(binding.getRoleRef().getName())).findFirst()
                        .orElse(null);
                if (role == null || !binding.getRoleRef().getKind().equals("Role")) {
                    broken.add("RoleBinding/" + binding.getMetadata().getName() + ": binds no Role of the namespace");
                    continue;
                }
                for (var subject : binding.getSubjects()) {
                    Set<String> allowed = apiUse.getOrDefault(subject.getName(), Set.of());
                    for (PolicyRule rule : role.getRules()) {
                        for (String resource : rule.getResources()) {
                            for (String verb : rule.getVerbs()) {
                                if (!allowed.contains(resource + ":" + verb)) {
                                    broken.add("Role/" + role.getMetadata().getName() + " lets " + subject.getName() + " "
                                            + verb + " " + resource + ", which its code does not do");
                                }
                            }
                        }
                    }
                }
            }
            objects.stream().filter(o -> o.getKind().startsWith("Cluster"))
                    .forEach(o -> broken.add(o.getKind() + "/" + o.getMetadata().getName() + ": no cluster-wide grants"));
            return broken;
        }

        private Map<String, PodTemplateSpec> workloadsAndJobs() {
            Map<String, PodTemplateSpec> pods = new java.util.TreeMap<>(workloads());
            all(io.fabric8.kubernetes.api.model.batch.v1.Job.class)
                    .forEach(j -> pods.put("Job/" + j.getMetadata().getName(), j.getSpec().getTemplate()));
            return pods;
        }
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    /** The ports the image's application listens on, or null for an image not built from this repository's config. */
    static Set<Integer> listeningPorts(String image) {
        String name = image.replaceFirst(":[^/]*$", "");
        name = name.substring(name.lastIndexOf('/') + 1);
        try {
            if (name.equals("redis")) {
                // The cluster bus listens 10000 above the client port.
                int port = portIn(Manifests.ROOT.resolve("deploy/docker/redis/redis-cluster.conf"), "(?m)^port (\\d+)$");
                return Set.of(port, port + 10_000);
            }
            if (name.equals("seata-server")) {
                return Set.of(portIn(Manifests.ROOT.resolve("deploy/docker/seata-server.Dockerfile"), "(?m)^EXPOSE (\\d+)$"));
            }
            Path config = Manifests.ROOT.resolve(name).resolve("src/main/resources/application.yml");
            if (!Files.isRegularFile(config)) {
                return null;
            }
            // The first document: the profile-less configuration the image runs with.
            JsonNode yaml = new YAMLMapper().readTree(config.toFile());
            Set<Integer> ports = new TreeSet<>();
            ports.add(yaml.at("/server/port").asInt(8080));
            if (yaml.at("/management/server/port").isInt()) {
                ports.add(yaml.at("/management/server/port").asInt());
            }
            return ports;
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int portIn(Path file, String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
        if (!m.find()) {
            throw new AssertionError("no port in " + file + " (" + regex + ")");
        }
        return Integer.parseInt(m.group(1));
    }
}
