package dev.sluice.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The table printed once the stack is up: what runs where, its processes and its log. */
final class StatusTable {

    static final String READY_LINE = "Sluice local stack is up";

    private StatusTable() {
    }

    static void print(PrintStream out, List<Component> components, double seconds, StackConfig config, AdminToken token) {
        out.printf("%n%s in %.1f s. Ctrl-C stops everything.%n%n", READY_LINE, seconds);
        String format = "  %-26s %-62s %-24s %s%n";
        out.printf(format, "COMPONENT", "URL", "PIDS", "LOG");
        for (Component c : components) {
            String pids = c.pids().stream().map(String::valueOf).collect(Collectors.joining(","));
            out.printf(format, c.name(), c.url(), pids.length() > 24 ? c.pids().size() + " processes" : pids,
                    relative(config.root(), c.log()));
        }
        out.printf("%n%s%n", token.describe());
        out.printf("%nTry:%n  curl http://localhost:%d/api/orders/info%n  curl http://localhost:%d/api/inventory/info%n"
                        + "  curl -H \"Authorization: Bearer %s\" http://localhost:%d/admin/v1/cluster%n",
                config.gatewayPort(), config.gatewayPort(),
                token.file() != null ? "$(cat " + relative(config.root(), token.file().toString()) + ")" : "$" + AdminToken.VARIABLE,
                config.gatewayManagementPort());
        out.flush();
    }

    private static String relative(Path root, String log) {
        Path path = Path.of(log);
        return path.startsWith(root) ? root.relativize(path).toString() : log;
    }
}
