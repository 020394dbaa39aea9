package dev.sluice.local;

import dev.sluice.test.process.Ports;
import dev.sluice.test.process.ProcessReaper;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./run-local.sh add SERVICE [--port=N]}: one more instance of a service beside a running local stack,
 * launched as the stack launched the first (same databases, Redis Cluster and TC). It registers in the registry, so
 * the gateway spreads requests over it with no restart; Ctrl-C deregisters and stops it.
 */
final class AddedInstance {

    private AddedInstance() {
    }

    /** Parses {@code add SERVICE [--port=N] [stack settings]}, in any order; returns the exit code. */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err)
            throws InterruptedException {
        List<String> words = new ArrayList<>();
        int port = 0;
        List<String> settings = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                try {
                    port = Integer.parseInt(arg.substring("--port=".length()));
                }
                catch (NumberFormatException e) {
                    err.println("--port must be a number, got: " + arg);
                    return 2;
                }
            }
            else if (arg.startsWith("--")) {
                settings.add(arg);
            }
            else {
                words.add(arg);
            }
        }
        StackConfig config;
        try {
            config = StackConfig.from(settings.toArray(String[]::new), environment);
        }
        catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        List<String> services = config.services().stream().map(ServiceModule::module).toList();
        if (words.size() != 2 || !services.contains(words.get(1))) {
            err.println("Usage: ./run-local.sh add SERVICE [--port=N]; SERVICE is one of " + services);
            return 2;
        }
        String service = words.get(1);
        Optional<LaunchFile> launch = LaunchFile.read(LaunchFile.of(config, service));
        if (launch.isEmpty()) {
            err.println("No local stack is running from " + config.runDir() + ": start it first (./run-local.sh)");
            return 1;
        }
        int chosen = port == 0 ? Ports.free() : port;
        BootAppComponent instance = new BootAppComponent(service + "-" + chosen, service, config, chosen, chosen,
                launch.get().arguments(), launch.get().environment());
        CountDownLatch stopped = new CountDownLatch(1);
        ProcessReaper.beforeReaping(() -> {
            out.println("\nstopping " + instance.name() + " (it deregisters first)...");
            instance.stop();
            stopped.countDown();
        });
        out.printf("starting %s on port %d%n", service, chosen);
        try {
            instance.start();
        }
        catch (RuntimeException e) {
            err.println(instance.name() + " failed to start: " + e.getMessage() + "\n  its log: " + instance.log());
            return 1;
        }
        out.printf("%s is up at %s (pid %s) and registered: the gateway now spreads requests over it. Ctrl-C stops "
                + "it.%n  log: %s%n", instance.name(), instance.url(), instance.pids().get(0), instance.log());
        stopped.await();
        return 0;
    }
}
