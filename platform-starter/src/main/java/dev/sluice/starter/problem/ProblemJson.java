package dev.sluice.starter.problem;

import org.springframework.http.ProblemDetail;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link ProblemDetail} as JSON, for the places where no message converter runs (servlet filters, reactive web
 * filters). Free of servlet and reactive types, so either stack can load it. Handles the values problem properties
 * hold here: strings, numbers, booleans, lists and maps.
 */
public final class ProblemJson {

    private ProblemJson() {
    }

    /** The problem as an {@code application/problem+json} document. */
    public static String toJson(ProblemDetail problem) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("type", problem.getType().toString());
        fields.put("title", problem.getTitle());
        fields.put("status", problem.getStatus());
        fields.put("detail", problem.getDetail());
        if (problem.getProperties() != null) {
            fields.putAll(problem.getProperties());
        }
        return json(fields);
    }

    static String json(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        }
        else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        }
        else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                out.append(sep);
                append(out, String.valueOf(e.getKey()));
                out.append(':');
                append(out, e.getValue());
                sep = ",";
            }
            out.append('}');
        }
        else if (value instanceof Collection<?> list) {
            out.append('[');
            String sep = "";
            for (Object item : list) {
                out.append(sep);
                append(out, item);
                sep = ",";
            }
            out.append(']');
        }
        else {
            quote(out, value.toString());
        }
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
