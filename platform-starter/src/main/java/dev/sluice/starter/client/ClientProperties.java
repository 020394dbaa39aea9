package dev.sluice.starter.client;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Service-to-service clients, one entry per client under {@code sluice.clients.NAME}. The name is also the HTTP
 * service group's name: interfaces listed here are registered in that group, as are those an
 * {@code @ImportHttpServices(group = "NAME")} declares.
 */
@ConfigurationProperties("sluice")
public record ClientProperties(@DefaultValue Map<String, Client> clients) {

    /**
     * One client.
     *
     * @param enabled          whether the starter builds this client
     * @param baseUrl          {@code lb://SERVICE} (an instance picked from discovery for every attempt),
     *                         {@code http://...} or {@code https://...}
     * @param interfaces       the {@code @HttpExchange} interfaces to register as beans, by class name
     * @param connectTimeout   how long to wait for a connection
     * @param responseTimeout  how long to wait for the answer to one attempt
     * @param propagateHeaders headers copied from the request being served to every call, such as the caller's
     *                         identity ({@code traceparent} and {@code tracestate} are always passed on)
     */
    public record Client(
            @DefaultValue("true") boolean enabled,
            String baseUrl,
            @DefaultValue List<String> interfaces,
            @DefaultValue("1s") Duration connectTimeout,
            @DefaultValue("5s") Duration responseTimeout,
            @DefaultValue Retry retry,
            @DefaultValue CircuitBreaker circuitBreaker,
            @DefaultValue Bulkhead bulkhead,
            @DefaultValue LoadBalancer loadBalancer,
            @DefaultValue List<String> propagateHeaders) {
    }

    /**
     * Retries of failed attempts: connection failures, timeouts and the listed statuses, only for requests that may
     * be sent twice (idempotent methods, or POST and PATCH carrying {@code Idempotency-Key}).
     *
     * @param enabled        whether to retry at all
     * @param maxAttempts    attempts in all, the first included
     * @param initialBackoff the wait before the first retry; each later one waits {@code multiplier} times longer,
     *                       with up to half of it added or taken at random
     * @param multiplier     how much longer each wait is than the one before
     * @param maxBackoff     the longest wait
     * @param budgetRatio    retries allowed as a share of this client's calls over the last ten seconds
     * @param budgetFloor    retries always allowed in ten seconds, for quiet clients
     * @param statuses       the answer statuses worth another attempt
     */
    public record Retry(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("50ms") Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("1s") Duration maxBackoff,
            @DefaultValue("0.2") double budgetRatio,
            @DefaultValue("10") int budgetFloor,
            @DefaultValue({"502", "503", "504"}) Set<Integer> statuses) {
    }

    /**
     * A Resilience4j circuit breaker per client. Connection failures, timeouts and 5xx answers count as failures.
     *
     * @param enabled                   whether to break at all
     * @param failureRateThreshold      the failure percentage that opens the breaker
     * @param slidingWindowSize         how many recent calls the rate is computed over
     * @param minimumNumberOfCalls      calls needed before the rate counts
     * @param waitInOpenState           how long the breaker stays open before letting trial calls through
     * @param permittedCallsInHalfOpen  trial calls let through when half open
     * @param slowCallDuration          calls slower than this count as slow
     * @param slowCallRateThreshold     the slow-call percentage that opens the breaker
     */
    public record CircuitBreaker(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("20") int slidingWindowSize,
            @DefaultValue("10") int minimumNumberOfCalls,
            @DefaultValue("5s") Duration waitInOpenState,
            @DefaultValue("3") int permittedCallsInHalfOpen,
            @DefaultValue("10s") Duration slowCallDuration,
            @DefaultValue("100") float slowCallRateThreshold) {
    }

    /**
     * A Resilience4j bulkhead per client: calls in flight at once.
     *
     * @param enabled            whether to cap concurrent calls
     * @param maxConcurrentCalls calls in flight at once
     * @param maxWait            how long a call may wait for a place before it is refused
     */
    public record Bulkhead(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("25") int maxConcurrentCalls,
            @DefaultValue("0ms") Duration maxWait) {
    }

    /**
     * How an {@code lb://} client picks an instance: the gateway's load balancer, with passive outlier ejection.
     *
     * @param strategy     {@code round-robin} or {@code weighted} (by the {@code weight} instance metadata)
     * @param zoneAffinity prefer instances in this service's zone ({@code sluice.service.zone}) while any is healthy
     */
    public record LoadBalancer(
            @DefaultValue("round-robin") String strategy,
            @DefaultValue("false") boolean zoneAffinity) {
    }
}
