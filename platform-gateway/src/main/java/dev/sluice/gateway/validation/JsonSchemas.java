package dev.sluice.gateway.validation;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Compiles the JSON Schemas of {@code validate.jsonSchema} with networknt's validator (draft 2020-12 unless the
 * schema says otherwise). Schemas may not pull anything in by {@code $ref} beyond the standard meta-schemas: a
 * route document must not make the gateway fetch URLs or read files it did not name.
 */
public class JsonSchemas {

    private final ResourceLoader resources;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)
                    .allow(iri -> iri.toString().startsWith("https://json-schema.org/")
                            || iri.toString().startsWith("http://json-schema.org/"))));
    private static final String DEFAULT_DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private final Map<String, Schema> metaSchemas = new ConcurrentHashMap<>();
    private final JsonMapper json = JsonMapper.builder().build();

    public JsonSchemas(ResourceLoader resources) {
        this.resources = resources;
    }

    /**
     * @param source an inline schema, or a text node with a {@code classpath:} or {@code file:} location
     * @throws IllegalArgumentException with a message fit for a route violation
     */
    public Schema compile(JsonNode source) {
        JsonNode node = source.isString() ? read(source.asString()) : source;
        checkAgainstMetaSchema(node);
        try {
            Schema schema = registry.getSchema(node);
            schema.initializeValidators(); // resolve refs now, not on the first request
            return schema;
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a usable JSON Schema: " + e.getMessage());
        }
    }

    /** A schema that breaks its own dialect's rules ({@code "type": 12}) would silently check nothing: refuse it. */
    private void checkAgainstMetaSchema(JsonNode node) {
        if (!node.isObject()) {
            return; // true and false are schemas too
        }
        JsonNode declared = node.get("$schema");
        String dialect = declared != null && declared.isString() ? declared.asString() : DEFAULT_DIALECT;
        if (!dialect.startsWith("https://json-schema.org/") && !dialect.startsWith("http://json-schema.org/")) {
            throw new IllegalArgumentException("is not a usable JSON Schema: $schema must name a standard dialect");
        }
        List<com.networknt.schema.Error> errors;
        try {
            Schema meta = metaSchemas.computeIfAbsent(dialect, d -> registry.getSchema(SchemaLocation.of(d)));
            errors = meta.validate(node);
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a usable JSON Schema: " + e.getMessage());
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("is not a valid JSON Schema: " + errors.stream().limit(5)
                    .map(error -> error.getInstanceLocation() + " " + error.getMessage()).collect(Collectors.joining("; ")));
        }
    }

    private JsonNode read(String location) {
        Resource resource = resources.getResource(location);
        if (!resource.exists()) {
            throw new IllegalArgumentException("names no readable schema: " + location);
        }
        try (InputStream in = resource.getInputStream()) {
            return json.readTree(in);
        }
        catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot be read as JSON: " + location);
        }
    }
}
