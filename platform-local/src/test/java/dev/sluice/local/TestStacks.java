package dev.sluice.local;

import dev.sluice.test.process.ProcessReaper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The whole local stack for one test class: every port free, its run folder under target/, its data wiped first. */
final class TestStacks {

    private TestStacks() {
    }

    /** Starts the stack with {@code settings} (launcher arguments) beyond the free ports; stops it if a part fails. */
    static LocalStack start(String name, String... settings) {
        Path runDir = Path.of("target", name).toAbsolutePath();
        ProcessReaper.delete(runDir.resolve("data")); // each run starts from empty databases
        List<String> arguments = new ArrayList<>(List.of("--root=" + LauncherProcess.REPO_ROOT, "--run-dir=" + runDir,
                "--redis-port=0", "--seata-port=0", "--seata-console-port=0", "--inventory-port=0", "--order-port=0",
                "--gateway-port=0", "--gateway-management-port=0", "--postgres-port=0", "--h2-port=0",
                // The services' fast-start options for the gateway too: these tests check behaviour, which the JIT
                // does not change, and on two cores C2 compiling in every stack's gateway would lengthen them.
                // LocalStackLauncherTest starts the launcher with its defaults.
                "--gateway-jvm-options=" + StackConfig.DEFAULTS.get("jvm-options")));
        arguments.addAll(List.of(settings));
        StackConfig config = StackConfig.from(arguments.toArray(String[]::new), Map.of()).withFreePortsForZeros();
        LocalStack stack = new LocalStack(config, AdminToken.resolve(Map.of(), runDir), System.out);
        try {
            stack.start();
        }
        catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }
}
