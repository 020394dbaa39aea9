package dev.sluice.starter.problem;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@code @Validated} controller's parameter constraints fail with a {@link ConstraintViolationException} rather
 * than Spring MVC's own exception: a 400 naming each parameter, like every other invalid input. A violated
 * return-value constraint is the service's fault, and stays a 500. Separate from {@link SluiceProblemHandler} so that
 * services without Bean Validation load that one.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConstraintViolationProblemHandler {

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraintViolation(ConstraintViolationException ex) {
        List<Problems.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : ex.getConstraintViolations()) {
            String field = parameterPath(violation.getPropertyPath());
            if (field == null) {
                throw ex;
            }
            errors.add(new Problems.FieldError(field, violation.getMessage()));
        }
        errors.sort(Comparator.comparing(Problems.FieldError::field));
        return ResponseEntity.badRequest().body(Problems.invalid(errors));
    }

    /** {@code get.sku} names parameter {@code sku}; null when the path is not a parameter's (a return value). */
    private static String parameterPath(Path path) {
        StringBuilder field = new StringBuilder();
        boolean parameter = false;
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.RETURN_VALUE) {
                return null;
            }
            if (node.getKind() == ElementKind.PARAMETER || node.getKind() == ElementKind.CROSS_PARAMETER) {
                parameter = true;
                field.setLength(0);
                field.append(node.getName());
            }
            else if (parameter && node.getName() != null) {
                field.append('.').append(node.getName());
            }
        }
        return parameter ? field.toString() : null;
    }
}
