package dev.sluice.gateway.admin;

import dev.sluice.gateway.route.InvalidRoutesException;
import dev.sluice.gateway.route.RouteCompiler;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.RouteJson;
import dev.sluice.gateway.route.RouteViolation;
import dev.sluice.gateway.route.Violations;
import dev.sluice.gateway.store.ConfigRevision;
import dev.sluice.gateway.store.ConfigStore;
import dev.sluice.gateway.store.RevisionSummary;
import dev.sluice.gateway.sync.ConfigSync;
import org.springframework.http.HttpStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Every Admin API write: read the head, derive the next route table, validate and compile it, and compare-and-set it
 * as the next revision. Losing the race to another writer means starting over from the new head, so a precondition
 * ({@code If-Match}) is always checked against the revision actually replaced. Returns once this node has applied
 * the new revision.
 */
public class ConfigWriter {

    private static final int ATTEMPTS = 5;
    private final ConfigStore store;
    private final ConfigSync sync;
    private final RouteCompiler compiler;
    private final RouteModel model;
    private final Duration applyWait;

    public ConfigWriter(ConfigStore store, ConfigSync sync, RouteCompiler compiler, RouteModel model, Duration applyWait) {
        this.model = model;
        this.store = store;
        this.sync = sync;
        this.compiler = compiler;
        this.applyWait = applyWait;
    }

    /** A change to the whole config: given the head, the next route table. Throws to refuse. */
    @FunctionalInterface
    public interface Change {
        Proposal propose(ConfigRevision head);
    }

    /** @param summary what the change does, for the history */
    public record Proposal(List<RouteDocument> routes, String summary) {
    }

    /** The head revision: the store's, or this node's seed while the store is still empty. */
    public ConfigRevision head() {
        long head = store.head();
        if (head == 0) {
            List<RouteDocument> seed = sync.seed();
            Map<String, Long> versions = new HashMap<>();
            seed.forEach(r -> versions.put(r.id(), 0L));
            return new ConfigRevision(0, null, null, "empty store", seed, versions);
        }
        return store.load(head).orElseThrow(() -> new AdminProblemException(HttpStatus.SERVICE_UNAVAILABLE,
                "store_inconsistent", "The head revision " + head + " is missing from the store"));
    }

    /** Validates and compiles one route on its own, naming fields from the document ({@code retry.attempts}). */
    public void checkRoute(RouteDocument route) {
        Violations violations = new Violations();
        checkApiRules(route, violations);
        violations.throwIfAny();
        try {
            compiler.check(List.of(route), "");
        }
        catch (InvalidRoutesException e) {
            throw new InvalidRoutesException(e.violations().stream().map(v -> {
                String field = v.field().replaceFirst("^\\[0]\\.?", "");
                return new RouteViolation(field.isEmpty() ? "(document)" : field, v.message());
            }).toList());
        }
    }

    /** Validates and compiles a route table without installing it. */
    public void check(List<RouteDocument> routes, String fieldPrefix) {
        compiler.check(routes, fieldPrefix);
    }

    /** Everything {@link #write} checks, without writing. Returns the head revision checked against. */
    public long dryRun(Change change) {
        ConfigRevision head = head();
        validate(head, change.propose(head));
        return head.revision();
    }

    private void validate(ConfigRevision head, Proposal proposal) {
        checkChangedRoutes(head, proposal.routes());
        check(proposal.routes(), "routes");
    }

    public RevisionSummary write(String actor, Change change) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            ConfigRevision head = head();
            Proposal proposal = change.propose(head);
            validate(head, proposal);
            ConfigRevision next = new ConfigRevision(head.revision() + 1,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), actor, proposal.summary(),
                    proposal.routes(), versions(head, proposal.routes()));
            OptionalLong committed = store.commit(next);
            if (committed.isPresent()) {
                awaitLocalApply(committed.getAsLong());
                return next.summaryOnly();
            }
        }
        throw new AdminProblemException(HttpStatus.CONFLICT, "write_conflict",
                "Other writers kept changing the config; try again");
    }

    /**
     * What only routes written through the API must obey ({@link RoutePolicy#validateFromApi}), for the routes this
     * change touches. Checked before compiling, which might read what the API may not (a schema file, for example).
     */
    private void checkChangedRoutes(ConfigRevision head, List<RouteDocument> routes) {
        Map<String, String> before = jsonById(head.routes());
        Violations violations = new Violations();
        for (int i = 0; i < routes.size(); i++) {
            RouteDocument route = routes.get(i);
            if (route != null && !json(route).equals(before.get(route.id()))) {
                checkApiRules(route, violations.at("routes").at(i));
            }
        }
        violations.throwIfAny();
    }

    private void checkApiRules(RouteDocument route, Violations violations) {
        for (RoutePolicy<?> policy : model.policies()) {
            checkApiRules(policy, route, violations);
        }
    }

    private static <S> void checkApiRules(RoutePolicy<S> policy, RouteDocument route, Violations violations) {
        S spec = route.policy(policy);
        if (spec != null) {
            policy.validateFromApi(spec, violations.at(policy.field()));
        }
    }

    /** A route keeps its version while its document is unchanged; a changed or new one gets the new revision's. */
    private static Map<String, Long> versions(ConfigRevision head, List<RouteDocument> routes) {
        Map<String, String> before = jsonById(head.routes());
        Map<String, Long> versions = new HashMap<>();
        for (RouteDocument route : routes) {
            boolean same = json(route).equals(before.get(route.id())) && head.versions().containsKey(route.id());
            versions.put(route.id(), same ? head.versions().get(route.id()) : head.revision() + 1);
        }
        return versions;
    }

    /** Routes by id, as JSON: a route is unchanged when its document serializes the same. */
    private static Map<String, String> jsonById(List<RouteDocument> routes) {
        Map<String, String> byId = new HashMap<>();
        routes.forEach(r -> byId.put(r.id(), json(r)));
        return byId;
    }

    private static String json(RouteDocument route) {
        return RouteJson.mapper().writeValueAsString(route);
    }

    private void awaitLocalApply(long revision) {
        try {
            sync.awaitApplied(revision, applyWait);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
