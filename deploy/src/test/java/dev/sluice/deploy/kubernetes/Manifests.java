package dev.sluice.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import dev.sluice.test.kubernetes.Kubectl;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes manifests under {@code deploy/kubernetes}, read strictly with the fabric8 model: a document of a
 * kind the model does not know, or a field it does not know at any depth (a misspelt {@code readinesProbe}), is an
 * error naming the document and the field's path.
 */
final class Manifests {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    /** The objects of {@code yaml} (one or more documents); {@code source} names it in errors. */
    static List<HasMetadata> parse(String yaml, String source) {
        List<HasMetadata> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int index = 0;
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            String where = source + " document " + index++;
            if (!(parsed instanceof HasMetadata object) || parsed instanceof GenericKubernetesResource) {
                problems.add(where + ": not a kind the Kubernetes model knows");
                continue;
            }
            where = source + " " + object.getKind() + "/" + object.getMetadata().getName();
            unknownFields(object, "", where, problems);
            objects.add(object);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("manifests the Kubernetes model does not accept:\n  " + String.join("\n  ", problems));
        }
        return objects;
    }

    static List<HasMetadata> parse(Path file) throws IOException {
        return parse(Files.readString(file), ROOT.relativize(file).toString());
    }

    /** {@code kubectl kustomize DIR}: the objects an overlay renders to (the test skips without kubectl). */
    static List<HasMetadata> render(Path kustomization) throws IOException, InterruptedException {
        return parse(Kubectl.kustomize(kustomization), "rendered " + ROOT.relativize(kustomization));
    }

    /**
     * Every model object keeps the fields it does not know in its additional properties: walks the object's getters
     * and reports each one that holds any.
     */
    private static void unknownFields(Object node, String path, String where, List<String> problems) {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", where, problems);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> unknownFields(value, path + "." + key, where, problems));
            return;
        }
        if (node == null || !node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || getter.getDeclaringClass() == Object.class
                    || !getter.getName().startsWith("get")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            }
            catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                    problems.add(where + ": unknown field(s) " + unknown.keySet() + " at " + (path.isEmpty() ? "." : path));
                }
                continue;
            }
            String name = getter.getName().substring(3);
            unknownFields(value, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), where, problems);
        }
    }
}
