package dev.sluice.gateway.validation;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;

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
        try {
            Schema schema = registry.getSchema(node);
            schema.initializeValidators(); // resolve refs now, not on the first request
            return schema;
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a usable JSON Schema: " + e.getMessage());
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
