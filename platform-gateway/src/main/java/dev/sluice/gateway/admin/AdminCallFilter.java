package dev.sluice.gateway.admin;

import dev.sluice.gateway.problem.GatewayProblem;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** Around every Admin API call: failures become problem+json, and every write is audited with its outcome. */
class AdminCallFilter implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    private final AuditLog audit;

    AdminCallFilter(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
        Mono<ServerResponse> answer = Mono.defer(() -> next.handle(request))
                .onErrorResume(error -> {
                    GatewayProblem problem = AdminResponses.problemFor(error);
                    request.attributes().put(AdminRequests.AUDIT_DETAIL, problem.code() + ": " + problem.detail());
                    return AdminResponses.problem(request, problem);
                });
        if (isRead(request.method())) {
            return answer;
        }
        return answer.doOnNext(response -> audit.record(AdminRequests.actor(request), request.method().name(),
                request.uri().getRawPath() + (request.uri().getRawQuery() != null ? "?" + request.uri().getRawQuery() : ""),
                response.statusCode().value(), (Long) request.attributes().get(AdminRequests.AUDIT_REVISION),
                (String) request.attributes().get(AdminRequests.AUDIT_DETAIL)));
    }

    static boolean isRead(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD;
    }
}
