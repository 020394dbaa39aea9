package dev.sluice.gateway.validation;

import dev.sluice.gateway.route.Violations;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * Checks a request before it goes upstream; an invalid one never reaches the upstream.
 *
 * @param jsonSchema      an inline JSON Schema object, or a {@code classpath:} or {@code file:} reference to one
 * @param maxBodySize     413 beyond it
 * @param requiredHeaders 400 when one is missing
 * @param contentTypes    allowed media types of a request body; {@code application/json} when a schema is set
 */
public record ValidatePolicy(JsonNode jsonSchema, DataSize maxBodySize, List<String> requiredHeaders,
        List<String> contentTypes) {

    public ValidatePolicy {
        jsonSchema = jsonSchema == null || jsonSchema.isNull() ? null : jsonSchema; // JSON null means "none"
    }

    public static final DataSize MAX_BODY_SIZE = DataSize.ofMegabytes(16);

    public void validate(Violations v) {
        if (jsonSchema != null) {
            if (jsonSchema.isString()) {
                String ref = jsonSchema.asString();
                if (!ref.startsWith("classpath:") && !ref.startsWith("file:")) {
                    v.add("jsonSchema", "must be an inline schema object or a classpath: or file: reference");
                }
            }
            else if (!jsonSchema.isObject() && !jsonSchema.isBoolean()) {
                v.add("jsonSchema", "must be an inline schema object or a classpath: or file: reference");
            }
        }
        v.positive("maxBodySize", maxBodySize, MAX_BODY_SIZE);
        if (requiredHeaders != null) {
            for (int i = 0; i < requiredHeaders.size(); i++) {
                String name = requiredHeaders.get(i);
                if (!Violations.isHeaderName(name)) {
                    v.at("requiredHeaders").at(i).add("is not a valid header name");
                }
            }
        }
        if (contentTypes != null) {
            for (int i = 0; i < contentTypes.size(); i++) {
                try {
                    MediaType.parseMediaType(contentTypes.get(i));
                }
                catch (IllegalArgumentException e) {
                    v.at("contentTypes").at(i).add("is not a media type");
                }
            }
        }
    }
}
