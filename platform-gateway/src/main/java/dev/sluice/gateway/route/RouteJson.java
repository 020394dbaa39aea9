package dev.sluice.gateway.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.SerializationContext;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.exc.CollectedProblem;
import tools.jackson.databind.exc.DeferredBindingException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON shape of route documents. YAML routes are turned into the same tree first, so both ways in share one
 * parser and one set of error messages. Durations are written {@code 500ms}, {@code 2s}, {@code 1m}; sizes
 * {@code 64KB}, {@code 1MB}. Unknown fields are errors, so a misspelt policy is never silently ignored.
 */
public final class RouteJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("sluice-route-model")
                    .addDeserializer(Duration.class, new DurationDeserializer())
                    .addSerializer(Duration.class, new DurationSerializer())
                    .addDeserializer(DataSize.class, new DataSizeDeserializer())
                    .addSerializer(DataSize.class, new DataSizeSerializer()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // {"timeout": "1s", "timeout": "9s"} means different things to different parsers: refuse it.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .changeDefaultPropertyInclusion(include -> include.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private static final ObjectReader LIST_READER = MAPPER.readerForListOf(RouteDocument.class);
    private static final Pattern UNKNOWN_PROPERTY = Pattern.compile("Unknown property '([^']*)'");
    private static final ObjectReader DOCUMENT_READER = MAPPER.readerFor(RouteDocument.class);

    private RouteJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads a list of route documents from a tree of maps, lists and scalars.
     *
     * @param fieldPrefix how violations name the list, such as {@code sluice.gateway.routes}
     * @throws InvalidRoutesException naming the first field that does not fit the model
     */
    public static List<RouteDocument> readList(Object tree, String fieldPrefix) {
        JsonNode node = MAPPER.valueToTree(tree);
        List<RouteDocument> routes = readCollecting(LIST_READER, node.toString(), fieldPrefix);
        return routes == null ? List.of() : routes;
    }

    /** Reads one route document from JSON text. */
    public static RouteDocument read(String json) {
        return readCollecting(DOCUMENT_READER, json, "");
    }

    /**
     * Binds the whole text, collecting every unknown field and unreadable value instead of stopping at the first;
     * only broken syntax still stops the reading where it is.
     */
    private static <T> T readCollecting(ObjectReader reader, String json, String fieldPrefix) {
        try {
            return reader.problemCollectingReader().readValueCollectingProblems(json);
        }
        catch (DeferredBindingException e) {
            throw new InvalidRoutesException(e.getProblems().stream().map(p -> violationOf(p, fieldPrefix)).toList());
        }
        catch (JacksonException e) {
            throw new InvalidRoutesException(List.of(violationOf(e, fieldPrefix)));
        }
    }

    static RouteViolation violationOf(CollectedProblem problem, String fieldPrefix) {
        StringBuilder field = new StringBuilder(fieldPrefix);
        JsonPointer pointer = problem.getPath();
        for (JsonPointer at = pointer; at != null && !at.matches(); at = at.tail()) {
            String name = at.getMatchingProperty();
            if (at.getMatchingIndex() >= 0) {
                field.append('[').append(at.getMatchingIndex()).append(']');
            }
            else {
                field.append(field.isEmpty() ? "" : ".").append(name);
            }
        }
        Class<?> target = problem.getTargetType() != null ? problem.getTargetType().getRawClass() : null;
        String message;
        Matcher unknown = UNKNOWN_PROPERTY.matcher(problem.getMessage() != null ? problem.getMessage() : "");
        if (unknown.lookingAt()) {
            // The path points at the object holding the unknown field.
            field.append(field.isEmpty() ? "" : ".").append(unknown.group(1));
            message = "unknown field";
        }
        else if (problem.getRawValue() != null && target != null) {
            message = "invalid value '" + problem.getRawValue() + "', expected " + describe(target);
        }
        else {
            message = firstLine(problem.getMessage());
        }
        return new RouteViolation(field.isEmpty() ? "(document)" : field.toString(), message);
    }

    static RouteViolation violationOf(JacksonException e, String fieldPrefix) {
        StringBuilder field = new StringBuilder(fieldPrefix);
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
            else if (ref.getPropertyName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(ref.getPropertyName());
            }
        }
        String message;
        if (e instanceof UnrecognizedPropertyException) {
            message = "unknown field";
        }
        else if (e instanceof InvalidFormatException invalid && invalid.getValue() != null) {
            message = "invalid value '" + invalid.getValue() + "'"
                    + (invalid.getTargetType() != null ? ", expected " + describe(invalid.getTargetType()) : "");
        }
        else {
            message = firstLine(e.getOriginalMessage());
        }
        return new RouteViolation(field.isEmpty() ? "(document)" : field.toString(), message);
    }

    private static String describe(Class<?> type) {
        if (type == Duration.class) {
            return "a duration such as 500ms, 2s or 1m";
        }
        if (type == DataSize.class) {
            return "a size such as 64KB or 1MB";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        return "a " + type.getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        // Jackson names our record classes; the field path already says where, so drop class names.
        return line.replaceAll("`?dev\\.sluice\\.[\\w.$]+`?", "value").replaceAll("`?java\\.[\\w.$]+`?", "value");
    }

    static final class DurationDeserializer extends ValueDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return Duration.ofMillis(p.getLongValue());
            }
            String text = p.getValueAsString();
            if (text == null) {
                return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
            }
            try {
                return DurationStyle.detectAndParse(text.trim());
            }
            catch (RuntimeException e) {
                return (Duration) ctxt.handleWeirdStringValue(Duration.class, text, "not a duration");
            }
        }
    }

    static final class DurationSerializer extends ValueSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializationContext ctxt) {
            gen.writeString(value.toMillis() % 1000 == 0 ? value.toSeconds() + "s" : value.toMillis() + "ms");
        }
    }

    static final class DataSizeDeserializer extends ValueDeserializer<DataSize> {
        @Override
        public DataSize deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return DataSize.ofBytes(p.getLongValue());
            }
            String text = p.getValueAsString();
            if (text == null) {
                return (DataSize) ctxt.handleUnexpectedToken(DataSize.class, p);
            }
            try {
                return DataSize.parse(text.trim());
            }
            catch (RuntimeException e) {
                return (DataSize) ctxt.handleWeirdStringValue(DataSize.class, text, "not a size");
            }
        }
    }

    static final class DataSizeSerializer extends ValueSerializer<DataSize> {
        @Override
        public void serialize(DataSize value, JsonGenerator gen, SerializationContext ctxt) {
            long bytes = value.toBytes();
            if (bytes % (1024 * 1024) == 0 && bytes > 0) {
                gen.writeString(value.toMegabytes() + "MB");
            }
            else if (bytes % 1024 == 0 && bytes > 0) {
                gen.writeString(value.toKilobytes() + "KB");
            }
            else {
                gen.writeString(bytes + "B");
            }
        }
    }
}
