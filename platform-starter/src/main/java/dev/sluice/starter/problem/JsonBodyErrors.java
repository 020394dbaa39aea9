package dev.sluice.starter.problem;

import org.springframework.util.ClassUtils;
import tools.jackson.core.JacksonException;

import java.util.List;
import java.util.Optional;

/**
 * Which property of a JSON body could not be read, as Jackson reports it ({@code items[2].quantity}), so that a body
 * with a value of the wrong type is refused naming the field, like a constraint violation is. Jackson is optional
 * here: without it nothing is named.
 */
final class JsonBodyErrors {

    private static final boolean JACKSON = ClassUtils.isPresent("tools.jackson.core.JacksonException",
            JsonBodyErrors.class.getClassLoader());

    private JsonBodyErrors() {
    }

    static Optional<String> fieldOf(Throwable failure) {
        return JACKSON ? Jackson.fieldOf(failure) : Optional.empty();
    }

    /** Loaded only when Jackson is on the classpath. */
    private static final class Jackson {

        static Optional<String> fieldOf(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof JacksonException json && !json.getPath().isEmpty()) {
                    String path = path(json.getPath());
                    return path.isEmpty() ? Optional.empty() : Optional.of(path);
                }
            }
            return Optional.empty();
        }

        private static String path(List<JacksonException.Reference> references) {
            StringBuilder path = new StringBuilder();
            for (JacksonException.Reference reference : references) {
                if (reference.getPropertyName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
                }
                else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
            return path.toString();
        }
    }
}
