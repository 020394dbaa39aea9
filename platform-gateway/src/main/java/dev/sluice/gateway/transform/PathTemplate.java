package dev.sluice.gateway.transform;

import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path written with the variables the route's {@code match.path} captures: {@code /v2/orders/{id}}. Only literal
 * text and {@code {name}}: no regular expressions, no expressions of any kind.
 */
final class PathTemplate {

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z0-9_]+)}");
    /** What {@code match.path} captures: {@code {name}}, {@code {*name}}, {@code {name:...}}. */
    private static final Pattern CAPTURED = Pattern.compile("\\{\\*?([A-Za-z0-9_]+)(:[^}]*)?}");

    private final List<Object> parts;

    private PathTemplate(List<Object> parts) {
        this.parts = parts;
    }

    /** @throws IllegalArgumentException saying what is wrong with the template */
    static PathTemplate parse(String template) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("must start with /");
        }
        List<Object> parts = new ArrayList<>();
        Matcher m = VARIABLE.matcher(template);
        int at = 0;
        while (m.find()) {
            literal(parts, template.substring(at, m.start()));
            parts.add(new Variable(m.group(1)));
            at = m.end();
        }
        literal(parts, template.substring(at));
        return new PathTemplate(parts);
    }

    private static void literal(List<Object> parts, String text) {
        if (text.indexOf('{') >= 0 || text.indexOf('}') >= 0) {
            throw new IllegalArgumentException("may hold only {name} variables (letters, digits, _)");
        }
        if (text.indexOf('?') >= 0 || text.indexOf('#') >= 0 || text.chars().anyMatch(c -> c <= 32 || c == 127)) {
            throw new IllegalArgumentException("must be a path, without query, fragment, spaces or control characters");
        }
        if (!text.isEmpty()) {
            parts.add(text);
        }
    }

    Set<String> variables() {
        Set<String> names = new LinkedHashSet<>();
        parts.stream().filter(Variable.class::isInstance).forEach(p -> names.add(((Variable) p).name()));
        return names;
    }

    /** The variables {@code match.path} captures. */
    static Set<String> captured(String matchPath) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = CAPTURED.matcher(matchPath == null ? "" : matchPath);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * The path with each variable's value, every segment of it encoded: a captured value cannot add a query, and a
     * {@code .} or {@code ..} segment (which the client may have sent encoded) is refused, not passed on to walk the
     * upstream's tree.
     *
     * @param values the captured values, decoded (as Spring's path matching gives them)
     * @throws IllegalArgumentException for a {@code .} or {@code ..} segment
     */
    String render(Map<String, String> values) {
        StringBuilder path = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Variable variable) {
                String value = values.getOrDefault(variable.name(), "");
                // A {*rest} capture starts with '/'; the template gives its own separators.
                if (value.startsWith("/") && path.length() > 0 && path.charAt(path.length() - 1) == '/') {
                    value = value.substring(1);
                }
                String[] segments = value.split("/", -1);
                for (int i = 0; i < segments.length; i++) {
                    if (segments[i].equals(".") || segments[i].equals("..")) {
                        throw new IllegalArgumentException("a captured value walks the path");
                    }
                    path.append(i == 0 ? "" : "/").append(UriUtils.encodePathSegment(segments[i], StandardCharsets.UTF_8));
                }
            }
            else {
                path.append(part);
            }
        }
        return path.toString();
    }

    private record Variable(String name) {
    }
}
