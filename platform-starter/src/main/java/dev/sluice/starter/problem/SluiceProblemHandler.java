package dev.sluice.starter.problem;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Spring MVC's problem+json handling, plus what clients need to fix a bad request: every invalid field named in an
 * {@code errors} list, and no parser internals in the detail.
 */
@ControllerAdvice
public class SluiceProblemHandler extends ResponseEntityExceptionHandler {

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Problems.FieldError> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(e -> new Problems.FieldError(e.getField(), e.getDefaultMessage()))
                .sorted(Comparator.comparing(Problems.FieldError::field)).toList();
        return ResponseEntity.badRequest().body(Problems.invalid(errors));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Problems.FieldError> errors = ex.getParameterValidationResults().stream()
                .flatMap(r -> r.getResolvableErrors().stream().map(e -> new Problems.FieldError(
                        r.getMethodParameter().getParameterName(), e.getDefaultMessage())))
                .toList();
        return ResponseEntity.badRequest().body(Problems.invalid(errors));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Optional<String> field = JsonBodyErrors.fieldOf(ex);
        if (field.isPresent()) {
            ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "malformed_body",
                    "The request body's " + field.get() + " has the wrong type or format");
            return ResponseEntity.badRequest().body(Problems.withErrors(problem,
                    List.of(new Problems.FieldError(field.get(), "has the wrong type or format"))));
        }
        return ResponseEntity.badRequest().body(Problems.of(HttpStatus.BAD_REQUEST, "malformed_body",
                "The request body is missing or is not valid JSON of the expected shape"));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleServletRequestBindingException(
            org.springframework.web.bind.ServletRequestBindingException ex, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        if (ex instanceof MissingRequestHeaderException missing) {
            return ResponseEntity.badRequest().body(Problems.invalid(List.of(
                    new Problems.FieldError(missing.getHeaderName(), "header is required"))));
        }
        return super.handleServletRequestBindingException(ex, headers, status, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String field = ex instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName()
                : ex.getPropertyName() != null ? ex.getPropertyName() : "value";
        Class<?> required = ex.getRequiredType();
        String expected = required == null ? "of another type" : "a valid " + required.getSimpleName();
        return ResponseEntity.badRequest().body(Problems.invalid(List.of(new Problems.FieldError(field,
                "must be " + expected))));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(Problems.invalid(List.of(
                new Problems.FieldError(ex.getParameterName(), "parameter is required"))));
    }

    /**
     * Spring MVC's other refusals (405, 406, 415, 404 for no handler...) keep their status and detail, and get a
     * {@code type} and {@code code} like every Sluice problem instead of {@code about:blank}.
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        if (body instanceof ProblemDetail problem && (problem.getProperties() == null
                || !problem.getProperties().containsKey("code"))) {
            String code = StatusCodes.code(statusCode.value());
            problem.setType(URI.create(Problems.TYPE_BASE + code));
            problem.setProperty("code", code);
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }
}
