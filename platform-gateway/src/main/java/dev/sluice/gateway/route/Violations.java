package dev.sluice.gateway.route;

import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every violation in a set of route documents, each named by its field path. Policies validate
 * themselves against a view scoped to their own field ({@link #at(String)}).
 */
public final class Violations {

    private final List<RouteViolation> all;
    private final String path;

    public Violations() {
        this(new ArrayList<>(), "");
    }

    private Violations(List<RouteViolation> all, String path) {
        this.all = all;
        this.path = path;
    }

    /** A view whose fields are under {@code name}: {@code at("retry").at("attempts")}. */
    public Violations at(String name) {
        return new Violations(all, path.isEmpty() ? name : path + "." + name);
    }

    public Violations at(int index) {
        return new Violations(all, path + "[" + index + "]");
    }

    public void add(String message) {
        all.add(new RouteViolation(path, message));
    }

    public void add(String field, String message) {
        at(field).add(message);
    }

    public void require(String field, Object value) {
        if (value == null) {
            add(field, "is required");
        }
    }

    public void range(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            add(field, "must be between " + min + " and " + max);
        }
    }

    public void positive(String field, Duration value, Duration max) {
        if (value != null && (value.isNegative() || value.isZero() || value.compareTo(max) > 0)) {
            add(field, "must be above 0 and at most " + RouteJson.mapper().valueToTree(max).asString());
        }
    }

    public void positive(String field, DataSize value, DataSize max) {
        if (value != null && (value.toBytes() <= 0 || value.toBytes() > max.toBytes())) {
            add(field, "must be above 0 and at most " + max.toMegabytes() + "MB");
        }
    }

    /** A header name as HTTP allows it: visible ASCII, no colon. */
    public static boolean isHeaderName(String name) {
        return name != null && !name.isBlank() && name.chars().allMatch(c -> c > 32 && c < 127 && c != ':');
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    public List<RouteViolation> list() {
        return List.copyOf(all);
    }

    public void throwIfAny() {
        if (!all.isEmpty()) {
            throw new InvalidRoutesException(all);
        }
    }
}
