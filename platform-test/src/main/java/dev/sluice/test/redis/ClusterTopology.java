package dev.sluice.test.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** One node's view of the cluster, parsed from {@code CLUSTER NODES}. */
record ClusterTopology(List<Entry> entries) {

    record Entry(String id, int port, Set<String> flags, String masterId, boolean connected, List<String> slots) {

        boolean isMaster() {
            return flags.contains("master");
        }

        boolean isFailed() {
            return flags.contains("fail") || flags.contains("fail?");
        }
    }

    static ClusterTopology parse(String clusterNodes) {
        List<Entry> entries = new ArrayList<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            // <id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...
            String hostPort = f[1].split("@")[0];
            int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            entries.add(new Entry(f[0], port, Set.of(f[2].split(",")), f[3], "connected".equals(f[7]),
                    List.copyOf(Arrays.asList(f).subList(8, f.length))));
        }
        return new ClusterTopology(List.copyOf(entries));
    }

    Entry byPort(int port) {
        return entries.stream().filter(e -> e.port() == port).findFirst().orElse(null);
    }

    Entry byId(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
    }

    /** The healthy master that serves {@code slot}, or null. */
    Entry masterOf(int slot) {
        for (Entry e : entries) {
            if (e.isMaster() && !e.isFailed() && servesSlot(e, slot)) {
                return e;
            }
        }
        return null;
    }

    private static boolean servesSlot(Entry e, int slot) {
        for (String range : e.slots()) {
            if (range.startsWith("[")) {
                continue; // a slot being migrated
            }
            int dash = range.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
            if (slot >= from && slot <= to) {
                return true;
            }
        }
        return false;
    }
}
