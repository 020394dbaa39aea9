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

import tools.jackson.databind.DatabindException;
import tools.jackson.databind.deser.CollectingProblemHandler;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON shape of route documents and the gateway's other JSON. YAML routes are turned into the same tree first,
 * so both ways in share one parser and one set of error messages. Durations are written {@code 500ms}, {@code 2s},
 * {@code 1m}; sizes {@code 64KB}, {@code 1MB}. Unknown fields are errors, so a misspelt policy is never silently
 * ignored.
 *
 * <p>{@link #mapper()} writes route documents and reads everything but them: reading one needs the registered
 * policies, so it goes through {@link RouteModel#mapper()}.
 */
public final class RouteJson {

    private static final JsonMapper MAPPER = builder(null).build();
    private static final Pattern UNKNOWN_PROPERTY = Pattern.compile("Unknown property '([^']*)'");

    private RouteJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** @param policies by field; {@code null} for a mapper that refuses to read route documents */
    static JsonMapper.Builder builder(Map<String, RoutePolicy<?>> policies) {
        return JsonMapper.builder()
                .addModule(new SimpleModule("sluice-route-model")
                        .addDeserializer(Duration.class, new DurationDeserializer())
                        .addSerializer(Duration.class, new DurationSerializer())
                        .addDeserializer(DataSize.class, new DataSizeDeserializer())
                        .addSerializer(DataSize.class, new DataSizeSerializer())
                        .addDeserializer(RouteDocument.class, new RouteDocumentDeserializer(policies)))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // {"timeout": "1s", "timeout": "9s"} means different things to different parsers: refuse it.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .changeDefaultPropertyInclusion(include -> include.withValueInclusion(JsonInclude.Include.NON_NULL));
    }

    /**
     * Binds the whole text, collecting every unknown field and unreadable value instead of stopping at the first;
     * only broken syntax still stops the reading where it is.
     */
    static <T> T readCollecting(ObjectReader reader, String json, String fieldPrefix) {
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

    /**
     * A Jackson message fit for a client: its first line, without our or the JDK's class names (the field path, or
     * the endpoint, already says where).
     */
    public static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        // Jackson names our record classes; the field path already says where, so drop class names.
        return line.replaceAll("`?dev\\.sluice\\.[\\w.$]+`?", "value").replaceAll("`?java\\.[\\w.$]+`?", "value");
    }

    /**
     * The route's own fields, then each policy under its field. A field that is neither is reported as unknown, in
     * the same words as any other unknown field.
     */
    static final class RouteDocumentDeserializer extends ValueDeserializer<RouteDocument> {

        private final Map<String, RoutePolicy<?>> policies;

        RouteDocumentDeserializer(Map<String, RoutePolicy<?>> policies) {
            this.policies = policies;
        }

        @Override
        public RouteDocument deserialize(JsonParser p, DeserializationContext ctxt) {
            if (policies == null) {
                throw new IllegalStateException("route documents are read with RouteModel.mapper(), which knows the policies");
            }
            if (!p.isExpectedStartObjectToken()) {
                return (RouteDocument) ctxt.handleUnexpectedToken(RouteDocument.class, p);
            }
            JsonPointer document = p.streamReadContext().pathAsPointer();
            String id = null;
            String uri = null;
            Match match = null;
            Integer stripPrefix = null;
            Duration timeout = null;
            Map<String, Object> specs = new HashMap<>();
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                try {
                    switch (name) {
                        case "id" -> id = ctxt.readValue(p, String.class);
                        case "uri" -> uri = ctxt.readValue(p, String.class);
                        case "match" -> match = ctxt.readValue(p, Match.class);
                        case "stripPrefix" -> stripPrefix = ctxt.readValue(p, Integer.class);
                        case "timeout" -> timeout = ctxt.readValue(p, Duration.class);
                        default -> {
                            RoutePolicy<?> policy = policies.get(name);
                            if (policy == null) {
                                unknown(p, ctxt, document, name);
                            }
                            else {
                                specs.put(name, ctxt.readValue(p, ctxt.getTypeFactory().constructType(policy.specType())));
                            }
                        }
                    }
                }
                catch (JacksonException e) {
                    throw DatabindException.wrapWithPath(ctxt, e, new JacksonException.Reference(RouteDocument.class, name));
                }
            }
            // In the model's order, so that a document's JSON does not depend on the order its fields were sent in.
            Map<String, Object> ordered = new LinkedHashMap<>();
            policies.keySet().forEach(field -> ordered.put(field, specs.get(field)));
            return new RouteDocument(id, uri, match, stripPrefix, timeout, ordered);
        }

        /**
         * Collected as a bean's unknown property is, pointing at the document that holds it (the parser, already on
         * the value, would point at the field itself); outside a collecting read, Jackson's own exception.
         */
        private void unknown(JsonParser p, DeserializationContext ctxt, JsonPointer document, String name) {
            List<CollectedProblem> bucket = CollectingProblemHandler.getBucket(ctxt);
            if (bucket == null) {
                ctxt.handleUnknownProperty(p, this, RouteDocument.class, name);
                return;
            }
            bucket.add(new CollectedProblem(document, "Unknown property '" + name + "'",
                    ctxt.constructType(RouteDocument.class), p.currentTokenLocation(), null, p.currentToken()));
            p.skipChildren();
        }
    }

    /** The route's own fields, then its policies, each under its field: the shape the deserializer reads. */
    public static final class RouteDocumentSerializer extends ValueSerializer<RouteDocument> {
        @Override
        public void serialize(RouteDocument route, JsonGenerator gen, SerializationContext ctxt) {
            gen.writeStartObject(route);
            write(gen, ctxt, "id", route.id());
            write(gen, ctxt, "uri", route.uri());
            write(gen, ctxt, "match", route.match());
            write(gen, ctxt, "stripPrefix", route.stripPrefix());
            write(gen, ctxt, "timeout", route.timeout());
            route.policies().forEach((field, spec) -> write(gen, ctxt, field, spec));
            gen.writeEndObject();
        }

        private static void write(JsonGenerator gen, SerializationContext ctxt, String name, Object value) {
            if (value != null) {
                gen.writeName(name);
                ctxt.writeValue(gen, value);
            }
        }
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
