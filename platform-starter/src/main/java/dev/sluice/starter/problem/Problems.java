package dev.sluice.starter.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * RFC 9457 problem details with stable {@code type} URIs. Clients switch on {@code type} (or on {@code code}, its
 * last segment), never on {@code title} or {@code detail}.
 */
public final class Problems {

    public static final String TYPE_BASE = "https://sluice.dev/problems/";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + code));
        problem.setProperty("code", code);
        return problem;
    }

    /** The problem for a bare status code, with its standard code and detail ({@link StatusCodes}). */
    public static ProblemDetail forStatus(int status) {
        return of(HttpStatusCode.valueOf(status), StatusCodes.code(status), StatusCodes.detail(status));
    }

    /** A 400 listing every invalid field with its message. */
    public static ProblemDetail invalid(List<FieldError> errors) {
        return withErrors(of(HttpStatus.BAD_REQUEST, "invalid_request",
                errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid"), errors);
    }

    /** {@code problem} with its {@code errors} list: one {@code field}/{@code message} object per error. */
    public static ProblemDetail withErrors(ProblemDetail problem, List<FieldError> errors) {
        problem.setProperty("errors", errors.stream().map(e -> Map.of("field", e.field(), "message", e.message())).toList());
        return problem;
    }

    /** One invalid field: a body property, a path variable, a parameter or a header. */
    public record FieldError(String field, String message) {
    }
}
