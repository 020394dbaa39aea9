package dev.sluice.gateway.retry;

import dev.sluice.traffic.retry.ReplaySafety;
import dev.sluice.traffic.retry.RetryBudget;
import dev.sluice.gateway.route.RouteDocument;
import dev.sluice.gateway.route.RoutePolicy;
import dev.sluice.gateway.route.Violations;
import dev.sluice.gateway.support.BufferedBody;
import dev.sluice.gateway.support.UpstreamFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code retry}: re-sends a request that failed to connect or got a retryable status (502, 503, 504 by default,
 * which includes the route's own timeout), after an exponential backoff with full jitter. Only requests that
 * {@link ReplaySafety} allows are retried. A per-route budget keeps retries under 20% of the route's requests. A
 * request body is buffered (within the gateway's body limit) so it can be sent again.
 */
public class RetryGatewayFilterFactory implements RoutePolicy<RetryPolicy> {

    /** Re-runs everything below it (the breaker's view stays one call) on a connect error or a retryable status. */
    public static final int ORDER = 20;

    @Override
    public String field() {
        return "retry";
    }

    @Override
    public Type specType() {
        return RetryPolicy.class;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void validate(RetryPolicy spec, Violations v) {
        spec.validate(v);
    }

    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final MeterRegistry meters;
    private final long maxBodyBytes;

    public RetryGatewayFilterFactory(MeterRegistry meters, long maxBodyBytes) {
        this.meters = meters;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public GatewayFilter apply(RouteDocument route, RetryPolicy policy, Violations violations) {
        if (policy.attempts() == 0) {
            return null;
        }
        RetryBudget budget = new RetryBudget(0.2, 10);
        Set<Integer> statuses = Set.copyOf(policy.statusesOrDefault());
        Counter retried = meters.counter("sluice.gateway.retries", "route", route.id(), "outcome", "retried");
        Counter refused = meters.counter("sluice.gateway.retries", "route", route.id(), "outcome", "budget_exhausted");
        Attempts attempts = new Attempts(policy, statuses, budget, retried, refused);
        return new OrderedGatewayFilter((exchange, chain) -> {
            budget.onRequest(System.currentTimeMillis() / 1000);
            if (!ReplaySafety.mayReplay(exchange.getRequest().getMethod(), exchange.getRequest().getHeaders())) {
                return chain.filter(exchange);
            }
            HttpHeaders before = HttpHeaders.copyOf(exchange.getResponse().getHeaders());
            if (!BufferedBody.hasBody(exchange.getRequest())) {
                return attempts.run(exchange, chain, 0, before);
            }
            return BufferedBody.buffer(exchange, maxBodyBytes).flatMap(buffered -> attempts.run(buffered, chain, 0, before));
        }, ORDER);
    }

    private record Attempts(RetryPolicy policy, Set<Integer> statuses, RetryBudget budget, Counter retried,
            Counter refused) {

        private static final Object SUCCESS = new Object();

        /** @param before the response headers other filters set before the first attempt, restored for each retry */
        Mono<Void> run(ServerWebExchange exchange, GatewayFilterChain chain, int attempt, HttpHeaders before) {
            return chain.filter(exchange)
                    .then(Mono.just(SUCCESS))
                    .onErrorResume(Mono::just)
                    .flatMap(outcome -> {
                        Throwable error = outcome instanceof Throwable t ? t : null;
                        if (attempt < policy.attempts() && retryable(exchange, error) && !exchange.getResponse().isCommitted()) {
                            if (budget.tryRetry(System.currentTimeMillis() / 1000)) {
                                retried.increment();
                                ServerWebExchangeUtils.reset(exchange); // drops the failed upstream connection
                                exchange.getResponse().setStatusCode(null);
                                exchange.getResponse().getHeaders().clear();
                                exchange.getResponse().getHeaders().putAll(before);
                                return Mono.delay(backoff(attempt)).then(run(exchange, chain, attempt + 1, before));
                            }
                            refused.increment();
                        }
                        return error != null ? Mono.error(error) : Mono.empty();
                    });
        }

        private boolean retryable(ServerWebExchange exchange, Throwable error) {
            if (error == null) {
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                return status != null && statuses.contains(status.value());
            }
            if (error instanceof ResponseStatusException status) {
                return statuses.contains(status.getStatusCode().value());
            }
            return UpstreamFailures.isConnectFailure(error);
        }

        /** Full jitter: uniform in [0, base * 2^attempt], capped. */
        private Duration backoff(int attempt) {
            long base = policy.backoffOrDefault().toMillis();
            long ceiling = Math.min(MAX_BACKOFF.toMillis(), base << Math.min(attempt, 20));
            return Duration.ofMillis(ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
        }
    }
}
