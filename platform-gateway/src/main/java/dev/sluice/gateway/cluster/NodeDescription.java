package dev.sluice.gateway.cluster;

import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.gateway.route.RouteJson;
import dev.sluice.gateway.sync.AppliedConfig;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How this node describes itself to the cluster view: id, addresses, zone, the revision it serves and whether that
 * is current, and whether it reaches Redis. Published with every heartbeat.
 */
public class NodeDescription implements ApplicationListener<WebServerInitializedEvent> {

    private final ClusterMembers nodes;
    private final String zone;
    private final String host;
    private final Supplier<AppliedConfig> applied;
    private volatile int port;
    private volatile int managementPort;

    /** @param host the address other nodes and operators reach this one at */
    public NodeDescription(ClusterMembers nodes, String zone, String host, Supplier<AppliedConfig> applied) {
        this.nodes = nodes;
        this.zone = zone;
        this.host = host;
        this.applied = applied;
    }

    /** This host's address: the configured server address, or what the host name resolves to. */
    public static String hostAddress(String configured) {
        if (configured != null && !configured.isBlank() && !configured.equals("0.0.0.0")) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        }
        catch (Exception e) {
            return "127.0.0.1";
        }
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if ("management".equals(event.getApplicationContext().getServerNamespace())) {
            managementPort = event.getWebServer().getPort();
        }
        else {
            port = event.getWebServer().getPort();
        }
    }

    public Map<String, Object> describe() {
        AppliedConfig config = applied.get();
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("id", nodes.nodeId());
        self.put("address", host + ":" + port);
        self.put("managementAddress", host + ":" + managementPort);
        self.put("zone", zone);
        self.put("revision", config.revision());
        self.put("appliedAt", config.appliedAt().toString());
        self.put("source", config.source());
        self.put("stale", config.stale());
        if (config.error() != null) {
            self.put("error", config.error());
        }
        self.put("redis", nodes.redisReachable() ? "reachable" : "unreachable");
        return self;
    }

    public String json() {
        return RouteJson.mapper().writeValueAsString(describe());
    }
}
