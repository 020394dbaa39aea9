package dev.sluice.test.kubernetes;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code kubectl kustomize}, for the tests that render the Kubernetes overlays. Without kubectl on the PATH those
 * tests skip with a message, unless {@code SLUICE_REQUIRE_KUBECTL=true} (as {@code .ci/run} sets) makes it a failure.
 */
public final class Kubectl {

    private Kubectl() {
    }

    /** Whether kubectl is on the PATH. */
    public static boolean found() {
        return Stream.of(Objects.requireNonNullElse(System.getenv("PATH"), "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "kubectl")));
    }

    /** Skips the calling test when kubectl is missing, or fails it when CI requires kubectl. */
    public static void require() {
        if (found()) {
            return;
        }
        String why = "kubectl is not on the PATH, so the overlays cannot be rendered";
        if ("true".equals(System.getenv("SLUICE_REQUIRE_KUBECTL"))) {
            fail("SLUICE_REQUIRE_KUBECTL=true but " + why);
        }
        Assumptions.abort("Skipped: " + why + ". Install kubectl (it includes kustomize) to run it.");
    }

    /** What {@code kustomization} (a base or an overlay folder) renders to, as YAML documents. */
    public static String kustomize(Path kustomization) throws IOException, InterruptedException {
        require();
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", kustomization.toString()).start();
        byte[] out = kubectl.getInputStream().readAllBytes();
        String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
            kubectl.destroyForcibly();
            throw new AssertionError("kubectl kustomize " + kustomization + " failed: " + err);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
