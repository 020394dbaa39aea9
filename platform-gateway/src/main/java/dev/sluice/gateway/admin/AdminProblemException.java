package dev.sluice.gateway.admin;

import dev.sluice.gateway.problem.GatewayProblem;
import org.springframework.http.HttpStatus;

/** An Admin API call that cannot be done as asked; the problem is the answer. */
public class AdminProblemException extends RuntimeException {

    private final transient GatewayProblem problem;

    public AdminProblemException(HttpStatus status, String code, String detail) {
        this(GatewayProblem.of(status, code, detail));
    }

    public AdminProblemException(GatewayProblem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public GatewayProblem problem() {
        return problem;
    }
}
