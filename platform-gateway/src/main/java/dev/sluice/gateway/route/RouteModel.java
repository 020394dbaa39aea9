package dev.sluice.gateway.route;

import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The route document's shape: the route's own fields plus one field per registered {@link RoutePolicy}, in the
 * order their filters run. Reads documents from YAML trees and JSON with every violation named by field path, and
 * hands each policy its spec to validate and compile.
 */
public final class RouteModel {

    /** The route's own fields, which no policy may take. */
    public static final Set<String> ROUTE_FIELDS = Set.of("id", "uri", "match", "stripPrefix", "timeout");

    private final Map<String, RoutePolicy<?>> policies;
    private final JsonMapper mapper;
    private final ObjectReader listReader;
    private final ObjectReader documentReader;

    public RouteModel(Collection<? extends RoutePolicy<?>> policies) {
        Map<String, RoutePolicy<?>> byField = new LinkedHashMap<>();
        policies.stream()
                .sorted(Comparator.<RoutePolicy<?>>comparingInt(RoutePolicy::order).thenComparing(RoutePolicy::field))
                .forEach(policy -> {
                    if (ROUTE_FIELDS.contains(policy.field())) {
                        throw new IllegalStateException(policy.getClass().getName() + " takes the route's own field '"
                                + policy.field() + "'");
                    }
                    RoutePolicy<?> other = byField.putIfAbsent(policy.field(), policy);
                    if (other != null) {
                        throw new IllegalStateException("policies " + other.getClass().getName() + " and "
                                + policy.getClass().getName() + " both take the field '" + policy.field() + "'");
                    }
                });
        this.policies = java.util.Collections.unmodifiableMap(byField);
        this.mapper = RouteJson.builder(this.policies).build();
        this.listReader = mapper.readerForListOf(RouteDocument.class);
        this.documentReader = mapper.readerFor(RouteDocument.class);
    }

    /** Every registered policy, in the order their filters run. */
    public Collection<RoutePolicy<?>> policies() {
        return policies.values();
    }

    /** A mapper that reads route documents (and anything holding them) with the registered policies. */
    public JsonMapper mapper() {
        return mapper;
    }

    /**
     * Reads a list of route documents from a tree of maps, lists and scalars.
     *
     * @param fieldPrefix how violations name the list, such as {@code sluice.gateway.routes}
     * @throws InvalidRoutesException naming every field that does not fit the model
     */
    public List<RouteDocument> readList(Object tree, String fieldPrefix) {
        String json = mapper.valueToTree(tree).toString();
        List<RouteDocument> routes = RouteJson.readCollecting(listReader, json, fieldPrefix);
        return routes == null ? List.of() : routes;
    }

    /** Reads one route document from JSON text. */
    public RouteDocument read(String json) {
        return RouteJson.readCollecting(documentReader, json, "");
    }
}
