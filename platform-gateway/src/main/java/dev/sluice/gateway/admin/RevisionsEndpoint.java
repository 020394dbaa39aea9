package dev.sluice.gateway.admin;

import dev.sluice.gateway.store.ConfigRevision;
import dev.sluice.gateway.store.ConfigStore;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /admin/v1/revisions}: the history, one past revision whole, and rollback (a new revision, never a rewind). */
class RevisionsEndpoint {

    private final ConfigStore store;
    private final ConfigWriter writer;

    RevisionsEndpoint(ConfigStore store, ConfigWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    Mono<ServerResponse> history(ServerRequest request) {
        int limit = AdminRequests.limit(request, 100, 1000);
        return AdminRequests.blocking(() -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("head", store.head());
            body.put("revisions", store.history(limit));
            return body;
        }).flatMap(AdminResponses::ok);
    }

    Mono<ServerResponse> get(ServerRequest request) {
        long revision = AdminRequests.revisionParam(request);
        return AdminRequests.blocking(() -> load(revision)).flatMap(AdminResponses::ok);
    }

    Mono<ServerResponse> rollback(ServerRequest request) {
        long target = AdminRequests.revisionParam(request);
        return AdminRequests.blocking(() -> {
            ConfigRevision past = load(target);
            return writer.write(AdminRequests.actor(request),
                    head -> new ConfigWriter.Proposal(past.routes(), "rollback to revision " + target));
        }).flatMap(summary -> {
            AdminRequests.audited(request, summary.revision(), summary.summary());
            return AdminResponses.json(ServerResponse.ok(), summary);
        });
    }

    private ConfigRevision load(long revision) {
        return store.load(revision).orElseThrow(() -> new AdminProblemException(HttpStatus.NOT_FOUND,
                "revision_not_found", "Revision " + revision + " is not in the history"));
    }
}
