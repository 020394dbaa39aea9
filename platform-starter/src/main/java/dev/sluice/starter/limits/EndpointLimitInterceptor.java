package dev.sluice.starter.limits;

import dev.sluice.starter.problem.ProblemWriter;
import dev.sluice.traffic.address.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Endpoint limits for servlet services. An interceptor rather than a filter, so that it knows the handler (for
 * {@link EndpointLimit}) and runs after authentication (for the {@code principal} key). A refused request gets its
 * problem here, and its handler never runs. Concurrency permits are held until the request completes, asynchronous
 * handling included.
 */
public class EndpointLimitInterceptor implements HandlerInterceptor, SmartInitializingSingleton {

    private static final String VERDICT = EndpointLimitInterceptor.class.getName() + ".verdict";

    private final EndpointLimiter limiter;
    private final ClientAddresses clients;
    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private volatile Map<Method, LimitRule> annotated = Map.of();

    EndpointLimitInterceptor(EndpointLimiter limiter, ClientAddresses clients,
            ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.limiter = limiter;
        this.clients = clients;
        this.mappings = mappings;
    }

    /** Compiles every {@link EndpointLimit} once the handlers are known, so a bad one stops the start, not a request. */
    @Override
    public void afterSingletonsInstantiated() {
        Map<Method, LimitRule> rules = new HashMap<>();
        List<String> violations = new ArrayList<>();
        mappings.orderedStream().forEach(mapping -> mapping.getHandlerMethods().values().forEach(handler -> {
            EndpointLimit limit = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), EndpointLimit.class);
            if (limit == null) {
                limit = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), EndpointLimit.class);
            }
            if (limit != null) {
                try {
                    rules.put(handler.getMethod(), LimitRules.fromAnnotation(limit, handler.getMethod(), limiter.sharesRates()));
                }
                catch (InvalidLimitsException e) {
                    violations.addAll(e.violations());
                }
            }
        }));
        if (!violations.isEmpty()) {
            throw new InvalidLimitsException(violations);
        }
        annotated = Map.copyOf(rules);
        limiter.activate(annotated.values());
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        if (request.getAttribute(VERDICT) != null) {
            return true; // the dispatch that completes an asynchronous request: admitted already
        }
        List<LimitRule> rules = rulesFor(request, handler);
        if (rules.isEmpty()) {
            return true;
        }
        Verdict verdict = limiter.admit(rules, keys(request)).block();
        verdict.headers().forEach(response::setHeader);
        if (verdict.isRefused()) {
            ProblemWriter.write(response, verdict.refusal());
            return false;
        }
        request.setAttribute(VERDICT, verdict);
        return true;
    }

    /** Not called while asynchronous handling is under way; called once it has finished. */
    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        if (request.getAttribute(VERDICT) instanceof Verdict verdict) {
            verdict.release();
            request.removeAttribute(VERDICT);
        }
    }

    private List<LimitRule> rulesFor(HttpServletRequest request, Object handler) {
        List<LimitRule> rules = limiter.matching(request.getMethod(),
                request.getRequestURI().substring(request.getContextPath().length()));
        LimitRule own = handler instanceof HandlerMethod method ? annotated.get(method.getMethod()) : null;
        if (own == null) {
            return rules;
        }
        List<LimitRule> all = new ArrayList<>(rules);
        all.add(own);
        return all;
    }

    private RequestKeys keys(HttpServletRequest request) {
        return new RequestKeys() {
            @Override
            public String clientAddress() {
                return clients.clientAddress(ClientAddresses.parseLiteral(request.getRemoteAddr()),
                        () -> Collections.list(request.getHeaders(ClientAddresses.FORWARDED_FOR)));
            }

            @Override
            public String header(String name) {
                return request.getHeader(name);
            }

            @Override
            public String principal() {
                Principal principal = request.getUserPrincipal();
                return principal == null ? null : principal.getName();
            }
        };
    }
}
