package dev.sluice.gateway.route;

import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationEventPublisher;
import reactor.core.publisher.Flux;

import java.util.List;

/**
 * The gateway's current routes, compiled from route documents. A new table replaces the old one whole: Gateway's
 * caching locator picks it up on the refresh event, and requests already matched keep the route they matched.
 */
public class RouteTable implements RouteLocator {

    private final RouteCompiler compiler;
    private final ApplicationEventPublisher events;
    private volatile List<RouteDocument> documents = List.of();
    private volatile List<Route> routes = List.of();

    /** Installs the initial documents; an invalid one stops the gateway from starting. */
    public RouteTable(RouteCompiler compiler, ApplicationEventPublisher events, List<RouteDocument> initial) {
        this.compiler = compiler;
        this.events = events;
        this.routes = List.copyOf(compiler.compile(initial));
        this.documents = List.copyOf(initial);
    }

    /**
     * Validates, compiles and installs a new set of route documents, or changes nothing.
     *
     * @throws InvalidRoutesException listing every violation
     */
    public synchronized void replace(List<RouteDocument> next) {
        List<Route> compiled = compiler.compile(next);
        this.documents = List.copyOf(next);
        this.routes = List.copyOf(compiled);
        events.publishEvent(new RefreshRoutesEvent(this));
    }

    public List<RouteDocument> documents() {
        return documents;
    }

    /** A route of the current table, compiled. */
    public java.util.Optional<Route> route(String id) {
        return routes.stream().filter(route -> route.getId().equals(id)).findFirst();
    }

    @Override
    public Flux<Route> getRoutes() {
        return Flux.fromIterable(routes);
    }
}
