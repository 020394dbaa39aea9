package dev.sluice.gateway.admin;

import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.Map;

/** {@code /admin/v1/audit}: the newest audit entries, newest first. */
class AuditEndpoint {

    private final AuditLog audit;

    AuditEndpoint(AuditLog audit) {
        this.audit = audit;
    }

    Mono<ServerResponse> recent(ServerRequest request) {
        int limit = AdminRequests.limit(request, 100, 1000);
        return audit.recent(limit)
                .onErrorMap(error -> new dev.sluice.gateway.store.StoreUnavailableException(error.toString(), error))
                .flatMap(entries -> AdminResponses.ok(Map.of("entries", entries)));
    }
}
