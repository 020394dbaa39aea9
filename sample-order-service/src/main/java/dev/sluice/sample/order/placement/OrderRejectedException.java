package dev.sluice.sample.order.placement;

import dev.sluice.sample.order.order.OrderStatus;
import dev.sluice.starter.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * 409: the order's transaction rolled back. The problem names the order, its status (CANCELLED once the TC has run
 * the cancels) and why, as a stable code.
 */
public class OrderRejectedException extends ErrorResponseException {

    public OrderRejectedException(String orderId, OrderStatus status, String reason) {
        super(HttpStatus.CONFLICT, problem(orderId, status, reason), null);
    }

    private static ProblemDetail problem(String orderId, OrderStatus status, String reason) {
        ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, reason, "The order was not placed: " + reason);
        problem.setProperty("orderId", orderId);
        problem.setProperty("orderStatus", status == null ? OrderStatus.CANCELLED.name() : status.name());
        problem.setProperty("reason", reason);
        return problem;
    }
}
