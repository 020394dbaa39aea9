package dev.sluice.gateway.transform;

import dev.sluice.gateway.route.Violations;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Which fields of a JSON response body go back to the client: only those listed ({@code keep}), or all but those
 * ({@code drop}), each named by a JSON pointer ({@code /customer/email}). When the body is an array, each element is
 * projected. Only successful (2xx) JSON answers are projected; the body is read whole, up to {@code maxBodySize}.
 *
 * @param keep        pointers to keep; everything else is left out
 * @param drop        pointers to leave out
 * @param maxBodySize the largest body projected; a larger one answers 502 rather than pass unprojected; 1MB when
 *                    absent
 */
public record JsonProjection(List<String> keep, List<String> drop, DataSize maxBodySize) {

    static final DataSize DEFAULT_MAX = DataSize.ofMegabytes(1);

    public long maxBytes() {
        return (maxBodySize != null ? maxBodySize : DEFAULT_MAX).toBytes();
    }

    void validate(Violations v) {
        if ((keep == null || keep.isEmpty()) == (drop == null || drop.isEmpty())) {
            v.add("needs either keep or drop");
        }
        pointers(v, "keep", keep);
        pointers(v, "drop", drop);
        v.positive("maxBodySize", maxBodySize, DataSize.ofMegabytes(16));
    }

    private static void pointers(Violations v, String field, List<String> pointers) {
        for (int i = 0; pointers != null && i < pointers.size(); i++) {
            String pointer = pointers.get(i);
            if (pointer == null || !pointer.startsWith("/") || pointer.length() < 2) {
                v.at(field).at(i).add("must be a JSON pointer to a field, such as /customer/email");
                continue;
            }
            try {
                JsonPointer.compile(pointer);
            }
            catch (IllegalArgumentException e) {
                v.at(field).at(i).add("is not a JSON pointer");
            }
        }
    }

    /** The projected body: a new tree for {@code keep}, the same tree with fields removed for {@code drop}. */
    JsonNode project(JsonNode body) {
        if (body instanceof ArrayNode array) {
            ArrayNode projected = JsonNodeFactory.instance.arrayNode();
            array.forEach(element -> projected.add(project(element)));
            return projected;
        }
        if (!(body instanceof ObjectNode object)) {
            return body;
        }
        if (keep != null && !keep.isEmpty()) {
            ObjectNode kept = JsonNodeFactory.instance.objectNode();
            keep.forEach(pointer -> copy(object, kept, JsonPointer.compile(pointer)));
            return kept;
        }
        drop.forEach(pointer -> remove(object, JsonPointer.compile(pointer)));
        return object;
    }

    /** Copies the value at {@code pointer} into {@code to}, creating the objects on its way. */
    private static void copy(ObjectNode from, ObjectNode to, JsonPointer pointer) {
        JsonNode value = from.at(pointer);
        if (value.isMissingNode()) {
            return;
        }
        ObjectNode at = to;
        JsonNode source = from;
        for (JsonPointer step = pointer; !step.tail().matches(); step = step.tail()) {
            String name = step.getMatchingProperty();
            source = source.path(name);
            if (!source.isObject()) {
                return; // through an array or a scalar: a pointer to a field only
            }
            JsonNode next = at.get(name);
            at = next instanceof ObjectNode existing ? existing : at.putObject(name);
        }
        at.set(pointer.last().getMatchingProperty(), value);
    }

    private static void remove(ObjectNode body, JsonPointer pointer) {
        JsonNode parent = body.at(pointer.head());
        String name = pointer.last().getMatchingProperty();
        if (parent instanceof ObjectNode object) {
            object.remove(name);
        }
        else if (parent instanceof ArrayNode array && pointer.last().getMatchingIndex() >= 0
                && pointer.last().getMatchingIndex() < array.size()) {
            array.remove(pointer.last().getMatchingIndex());
        }
    }
}
