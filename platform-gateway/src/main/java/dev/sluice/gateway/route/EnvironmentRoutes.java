package dev.sluice.gateway.route;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code sluice.gateway.routes} out of the Environment as a tree of maps and lists, which {@link RouteJson}
 * then reads like an Admin API document. Spring's binder is not used because the model holds free-form JSON (inline
 * schemas, fallback bodies) that binds badly to Java types. As with Spring's list binding, the highest-precedence
 * property source that defines the list defines all of it: lists are never merged across sources.
 */
public final class EnvironmentRoutes {

    public static final String PREFIX = "sluice.gateway.routes";

    private EnvironmentRoutes() {
    }

    public static List<RouteDocument> read(ConfigurableEnvironment environment, RouteModel model) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            List<Object> tree = new ArrayList<>();
            for (String name : enumerable.getPropertyNames()) {
                if (name.startsWith(PREFIX + "[")) {
                    Object value = enumerable.getProperty(name);
                    if (value instanceof String text) {
                        value = environment.resolveRequiredPlaceholders(text);
                    }
                    insert(tree, segments(name.substring(PREFIX.length())), 0, value);
                }
            }
            if (!tree.isEmpty()) {
                return model.readList(tree, PREFIX);
            }
        }
        return List.of();
    }

    /** {@code [0].match.headers.X-Tenant} or {@code [0].match.headers[X-Tenant]} into 0, match, headers, X-Tenant. */
    static List<Object> segments(String path) {
        List<Object> segments = new ArrayList<>();
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '[') {
                int end = path.indexOf(']', i);
                String inner = path.substring(i + 1, end);
                segments.add(inner.chars().allMatch(Character::isDigit) && !inner.isEmpty()
                        ? (Object) Integer.valueOf(inner) : unquote(inner));
                i = end + 1;
            }
            else if (c == '.') {
                i++;
            }
            else {
                int end = i;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                segments.add(path.substring(i, end));
                i = end;
            }
        }
        return segments;
    }

    private static String unquote(String key) {
        return key.length() >= 2 && (key.startsWith("\"") || key.startsWith("'")) ? key.substring(1, key.length() - 1) : key;
    }

    @SuppressWarnings("unchecked")
    private static void insert(Object node, List<Object> segments, int at, Object value) {
        Object segment = segments.get(at);
        boolean last = at == segments.size() - 1;
        Object next = last ? null : segments.get(at + 1);
        if (node instanceof List<?> raw && segment instanceof Integer index) {
            List<Object> list = (List<Object>) raw;
            while (list.size() <= index) {
                list.add(null);
            }
            if (last) {
                list.set(index, value);
                return;
            }
            if (list.get(index) == null) {
                list.set(index, next instanceof Integer ? new ArrayList<>() : new LinkedHashMap<>());
            }
            insert(list.get(index), segments, at + 1, value);
        }
        else if (node instanceof Map<?, ?> raw) {
            Map<String, Object> map = (Map<String, Object>) raw;
            String key = String.valueOf(segment);
            if (last) {
                map.put(key, value);
                return;
            }
            Object child = map.computeIfAbsent(key, k -> next instanceof Integer ? new ArrayList<>() : new LinkedHashMap<>());
            insert(child, segments, at + 1, value);
        }
        // a list index on a map or a key on a list: a malformed property name, which the binder would reject too
    }
}
