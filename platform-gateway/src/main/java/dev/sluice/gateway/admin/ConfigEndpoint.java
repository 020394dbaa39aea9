package dev.sluice.gateway.admin;

import dev.sluice.gateway.route.InvalidRoutesException;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RouteJson;
import dev.sluice.gateway.route.RouteViolation;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/v1/config}: the whole config out (JSON or YAML, by {@code Accept}) and in (all or nothing), for
 * GitOps. The export's {@code ETag} is the head revision; an import with {@code If-Match} only replaces that one.
 */
class ConfigEndpoint {

    static final MediaType YAML = MediaType.parseMediaType("application/yaml");
    private static final List<MediaType> YAML_TYPES = List.of(YAML, MediaType.parseMediaType("application/x-yaml"),
            MediaType.parseMediaType("text/yaml"));

    private final ConfigWriter writer;
    private final long maxBodyBytes;
    private final RouteModel model;

    ConfigEndpoint(ConfigWriter writer, long maxBodyBytes, RouteModel model) {
        this.model = model;
        this.writer = writer;
        this.maxBodyBytes = maxBodyBytes;
    }

    Mono<ServerResponse> export(ServerRequest request) {
        boolean yaml = request.headers().accept().stream()
                .anyMatch(accepted -> YAML_TYPES.stream().anyMatch(accepted::isCompatibleWith) && !accepted.isWildcardType());
        return AdminRequests.blocking(writer::head).flatMap(head -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("revision", head.revision());
            body.put("routes", head.routes());
            ServerResponse.BodyBuilder ok = ServerResponse.ok().eTag(AdminResponses.etag(head.revision()));
            if (!yaml) {
                return AdminResponses.json(ok, body);
            }
            Object tree = RouteJson.mapper().convertValue(body, Map.class);
            return ok.contentType(YAML).bodyValue(yaml().dump(tree));
        });
    }

    Mono<ServerResponse> replace(ServerRequest request) {
        MediaType type = request.headers().contentType().orElse(MediaType.APPLICATION_JSON);
        boolean yaml = YAML_TYPES.stream().anyMatch(type::isCompatibleWith);
        if (!yaml && !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return Mono.error(new AdminProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Send the config as application/json or application/yaml"));
        }
        List<Long> ifMatch = AdminRequests.ifMatch(request);
        return AdminRequests.body(request, maxBodyBytes).flatMap(text -> AdminRequests.blocking(() -> {
            List<RouteDocument> routes = parse(text, yaml, model);
            ConfigWriter.Change change = head -> {
                if (!ifMatch.isEmpty() && ifMatch.stream().noneMatch(tag -> tag == -1 || tag == head.revision())) {
                    throw new AdminProblemException(HttpStatus.PRECONDITION_FAILED, "precondition_failed",
                            "The config is at revision " + head.revision() + ", not the one If-Match names");
                }
                return new ConfigWriter.Proposal(routes, "imported " + routes.size() + " routes");
            };
            if (AdminRequests.dryRun(request)) {
                writer.dryRun(change);
                return null;
            }
            return writer.write(AdminRequests.actor(request), change);
        })).flatMap(summary -> {
            AdminRequests.audited(request, summary.revision(), summary.summary());
            return AdminResponses.json(ServerResponse.ok().eTag(AdminResponses.etag(summary.revision())), summary);
        }).switchIfEmpty(Mono.defer(() -> AdminResponses.ok(Map.of("dryRun", true, "valid", true))));
    }

    /** {@code {"routes": [...]}}; a {@code revision} member (as exported) is ignored, anything else refused. */
    static List<RouteDocument> parse(String text, boolean yaml, RouteModel model) {
        JsonNode node;
        try {
            Object tree = yaml ? yaml().load(text) : null;
            node = yaml ? RouteJson.mapper().valueToTree(tree) : RouteJson.mapper().readTree(text);
        }
        catch (RuntimeException e) {
            throw new InvalidRoutesException(List.of(new RouteViolation("(document)",
                    "is not valid " + (yaml ? "YAML" : "JSON"))));
        }
        if (node == null || !node.isObject() || !node.has("routes")) {
            throw new InvalidRoutesException(List.of(new RouteViolation("(document)",
                    "must be an object with a routes list")));
        }
        for (String name : node.propertyNames()) {
            if (!name.equals("routes") && !name.equals("revision")) {
                throw new InvalidRoutesException(List.of(new RouteViolation(name, "unknown field")));
            }
        }
        JsonNode routes = node.get("routes");
        if (!routes.isArray()) {
            throw new InvalidRoutesException(List.of(new RouteViolation("routes", "must be a list")));
        }
        return model.readList(routes, "routes");
    }

    /** SnakeYAML with plain data only: no tags, no types, a bounded number of aliases. */
    private static Yaml yaml() {
        LoaderOptions loader = new LoaderOptions();
        loader.setMaxAliasesForCollections(20);
        loader.setAllowDuplicateKeys(false);
        loader.setNestingDepthLimit(50);
        DumperOptions dumper = new DumperOptions();
        dumper.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(new SafeConstructor(loader), new Representer(dumper), dumper, loader);
    }
}
