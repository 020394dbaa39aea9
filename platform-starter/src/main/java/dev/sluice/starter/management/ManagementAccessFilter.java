package dev.sluice.starter.management;

import dev.sluice.starter.problem.ProblemWriter;
import dev.sluice.starter.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * A servlet service's actuator is never anonymous beyond health: every other endpoint needs
 * {@code Authorization: Bearer <token>} (401 problem+json without a valid one), and viewers may only read (403).
 * Registered for the actuator's paths only, on whichever server the actuator runs.
 */
public class ManagementAccessFilter extends OncePerRequestFilter {

    private final BearerTokens tokens;
    private final String basePath;

    /** @param basePath the actuator's base path on its server ({@code /actuator} unless configured) */
    public ManagementAccessFilter(BearerTokens tokens, String basePath) {
        this.tokens = tokens;
        this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // The container's decoded and normalised path, never the raw URI: /actuator/health/../prometheus is prometheus.
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!isActuator(path) || path.equals(basePath + "/health") || path.startsWith(basePath + "/health/")) {
            chain.doFilter(request, response);
            return;
        }
        Optional<BearerTokens.Caller> caller = tokens.authenticateHeader(request.getHeader("Authorization"));
        if (caller.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer");
            ProblemWriter.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized",
                    "A valid bearer token is required"));
            return;
        }
        boolean reads = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        if (!reads && caller.get().role() != BearerTokens.Role.ADMIN) {
            ProblemWriter.write(response, Problems.of(HttpStatus.FORBIDDEN, "forbidden", "The token's role may only read"));
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean isActuator(String path) {
        return basePath.isEmpty() || path.equals(basePath) || path.startsWith(basePath + "/");
    }
}
