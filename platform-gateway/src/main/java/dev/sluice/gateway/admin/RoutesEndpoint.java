package dev.sluice.gateway.admin;

import dev.sluice.gateway.route.InvalidRoutesException;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RouteJson;
import dev.sluice.gateway.route.RouteViolation;
import dev.sluice.gateway.store.ConfigRevision;
import dev.sluice.gateway.store.RevisionSummary;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /admin/v1/routes}: one route document at a time, in the route model's JSON. Each route's {@code ETag} is the
 * revision that last changed it; {@code If-Match} makes a write conditional on it (412 otherwise).
 */
class RoutesEndpoint {

    private final ConfigWriter writer;
    private final long maxBodyBytes;
    private final RouteModel model;

    RoutesEndpoint(ConfigWriter writer, long maxBodyBytes, RouteModel model) {
        this.model = model;
        this.writer = writer;
        this.maxBodyBytes = maxBodyBytes;
    }

    Mono<ServerResponse> list(ServerRequest request) {
        return AdminRequests.blocking(writer::head).flatMap(head -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("revision", head.revision());
            body.put("routes", head.routes());
            return AdminResponses.json(ServerResponse.ok().eTag(AdminResponses.etag(head.revision())), body);
        });
    }

    Mono<ServerResponse> get(ServerRequest request) {
        String id = request.pathVariable("id");
        return AdminRequests.blocking(writer::head).flatMap(head -> find(head, id)
                .map(route -> AdminResponses.json(ServerResponse.ok()
                        .eTag(AdminResponses.etag(head.versions().getOrDefault(id, head.revision()))), route))
                .orElseGet(() -> Mono.error(notFound(id))));
    }

    Mono<ServerResponse> put(ServerRequest request) {
        String id = request.pathVariable("id");
        List<Long> ifMatch = AdminRequests.ifMatch(request);
        if (AdminRequests.dryRun(request)) {
            return AdminRequests.body(request, maxBodyBytes)
                    .flatMap(text -> AdminRequests.blocking(() -> checkOnly(parse(text, id, model), ifMatch)))
                    .flatMap(head -> AdminResponses.ok(Map.of("dryRun", true, "valid", true, "revision", head)));
        }
        return AdminRequests.body(request, maxBodyBytes)
                .flatMap(text -> AdminRequests.blocking(() -> write(request, parse(text, id, model), ifMatch)))
                .flatMap(written -> {
                    AdminRequests.audited(request, written.summary().revision(), written.summary().summary());
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("revision", written.summary().revision());
                    body.put("summary", written.summary().summary());
                    ServerResponse.BodyBuilder builder = written.created()
                            ? ServerResponse.status(HttpStatus.CREATED) : ServerResponse.ok();
                    return AdminResponses.json(builder.eTag(AdminResponses.etag(written.summary().revision())), body);
                });
    }

    private record Written(RevisionSummary summary, boolean created) {
    }

    /** Validates the route alone (fields named from the document) and in the table it would join. */
    private long checkOnly(RouteDocument route, List<Long> ifMatch) {
        writer.checkRoute(route);
        return writer.dryRun(head -> {
            checkPrecondition(head, route.id(), ifMatch);
            return new ConfigWriter.Proposal(replaced(head.routes(), route), "dry run");
        });
    }

    private Written write(ServerRequest request, RouteDocument route, List<Long> ifMatch) {
        writer.checkRoute(route);
        boolean[] created = new boolean[1];
        RevisionSummary summary = writer.write(AdminRequests.actor(request), head -> {
            checkPrecondition(head, route.id(), ifMatch);
            created[0] = find(head, route.id()).isEmpty();
            return new ConfigWriter.Proposal(replaced(head.routes(), route),
                    (created[0] ? "created route " : "replaced route ") + route.id());
        });
        return new Written(summary, created[0]);
    }

    Mono<ServerResponse> delete(ServerRequest request) {
        String id = request.pathVariable("id");
        List<Long> ifMatch = AdminRequests.ifMatch(request);
        return AdminRequests.blocking(() -> writer.write(AdminRequests.actor(request), head -> {
            if (find(head, id).isEmpty()) {
                throw notFound(id);
            }
            checkPrecondition(head, id, ifMatch);
            List<RouteDocument> rest = head.routes().stream().filter(r -> !r.id().equals(id)).toList();
            return new ConfigWriter.Proposal(rest, "deleted route " + id);
        })).flatMap(summary -> {
            AdminRequests.audited(request, summary.revision(), summary.summary());
            return AdminResponses.ok(Map.of("revision", summary.revision(), "summary", summary.summary()));
        });
    }

    /** The JSON body as a route; the id comes from the path, and a body naming another id is refused. */
    static RouteDocument parse(String text, String id, RouteModel model) {
        JsonNode node;
        try {
            node = RouteJson.mapper().readTree(text);
        }
        catch (RuntimeException e) {
            throw new InvalidRoutesException(List.of(new RouteViolation("(document)", "is not valid JSON")));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRoutesException(List.of(new RouteViolation("(document)", "must be a JSON object")));
        }
        ObjectNode object = (ObjectNode) node;
        JsonNode bodyId = object.get("id");
        if (bodyId == null || bodyId.isNull()) {
            object.put("id", id);
        }
        else if (!bodyId.isString() || !bodyId.asString().equals(id)) {
            throw new InvalidRoutesException(List.of(new RouteViolation("id", "must match the id in the path")));
        }
        return model.read(object.toString());
    }

    private static List<RouteDocument> replaced(List<RouteDocument> routes, RouteDocument route) {
        List<RouteDocument> next = new ArrayList<>(routes);
        int at = -1;
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).id().equals(route.id())) {
                at = i;
            }
        }
        if (at >= 0) {
            next.set(at, route);
        }
        else {
            next.add(route);
        }
        return next;
    }

    /** If-Match: {@code *} needs the route to exist; a revision needs it to be the route's current version. */
    private static void checkPrecondition(ConfigRevision head, String id, List<Long> ifMatch) {
        if (ifMatch.isEmpty()) {
            return;
        }
        Long version = find(head, id).isPresent() ? head.versions().get(id) : null;
        boolean matches = version != null && ifMatch.stream().anyMatch(tag -> tag == -1 || tag.equals(version));
        if (!matches) {
            throw new AdminProblemException(dev.sluice.gateway.problem.GatewayProblem.of(HttpStatus.PRECONDITION_FAILED,
                    "precondition_failed", "Route " + id + " is not at the revision If-Match names")
                    .with("currentETag", version == null ? null : AdminResponses.etag(version)));
        }
    }

    static Optional<RouteDocument> find(ConfigRevision head, String id) {
        return head.routes().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    static AdminProblemException notFound(String id) {
        return new AdminProblemException(HttpStatus.NOT_FOUND, "route_not_found", "No route has the id " + id);
    }
}
