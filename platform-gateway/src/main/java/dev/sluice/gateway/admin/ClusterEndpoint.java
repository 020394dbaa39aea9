package dev.sluice.gateway.admin;

import dev.sluice.traffic.cluster.ClusterMembers;
import dev.sluice.gateway.cluster.NodeDescription;
import dev.sluice.gateway.route.RouteJson;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/v1/cluster}: the live gateway nodes, as each describes itself in its heartbeat. This node's entry is
 * always current; with Redis away it is the only one, and {@code complete} is false.
 */
class ClusterEndpoint {

    private final ClusterMembers nodes;
    private final NodeDescription self;
    private final Duration timeout;

    ClusterEndpoint(ClusterMembers nodes, NodeDescription self, Duration timeout) {
        this.nodes = nodes;
        this.self = self;
        this.timeout = timeout;
    }

    Mono<ServerResponse> view(ServerRequest request) {
        return nodes.members().collectList().timeout(timeout)
                .map(members -> view(members, true))
                .onErrorResume(error -> Mono.just(view(List.of(), false)))
                .flatMap(AdminResponses::ok);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> view(List<ClusterMembers.Member> members, boolean complete) {
        List<Map<String, Object>> entries = new ArrayList<>();
        Map<String, Object> mine = new LinkedHashMap<>(self.describe());
        mine.put("self", true);
        entries.add(mine);
        for (ClusterMembers.Member member : members) {
            if (member.id().equals(nodes.nodeId())) {
                mine.put("lastHeartbeat", Instant.ofEpochMilli(member.lastHeartbeat()).toString());
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            try {
                entry.putAll(RouteJson.mapper().readValue(member.description(), Map.class));
            }
            catch (RuntimeException e) {
                entry.put("id", member.id());
            }
            entry.put("id", member.id());
            entry.put("lastHeartbeat", Instant.ofEpochMilli(member.lastHeartbeat()).toString());
            entries.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("complete", complete);
        body.put("nodes", entries);
        return body;
    }
}
