package dev.sluice.gateway.store;

import dev.sluice.gateway.route.RouteDocument;

import java.util.List;
import java.util.Map;

/**
 * One revision of the whole gateway config: every route, and who changed what. Revisions are numbered from 1 with no
 * gaps; a rollback is a new revision with an old revision's routes.
 *
 * @param revision the number, one above the revision it replaced
 * @param time     when it was committed, ISO-8601 UTC
 * @param actor    the admin token's name, or {@code bootstrap} for the seed from YAML
 * @param summary  what changed, in a few words
 * @param routes   the whole route table
 * @param versions for each route id, the revision that last changed that route: its {@code ETag}
 */
public record ConfigRevision(long revision, String time, String actor, String summary, List<RouteDocument> routes,
        Map<String, Long> versions) {

    public ConfigRevision {
        routes = routes == null ? List.of() : List.copyOf(routes);
        versions = versions == null ? Map.of() : Map.copyOf(versions);
    }

    public RevisionSummary summaryOnly() {
        return new RevisionSummary(revision, time, actor, summary);
    }
}
