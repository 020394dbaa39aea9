package dev.sluice.starter.client;

import dev.sluice.traffic.loadbalancer.OutlierDetector;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The service's clients, built from {@code sluice.clients}: each one's breaker, bulkhead and retry (Resilience4j,
 * named after the client, with their metrics), and the interceptor and error handling its RestClient gets. Every
 * mistake in the settings stops the start, named by property path.
 */
public class ServiceClients {

    private final Map<String, ClientProperties.Client> clients;
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();
    private final DiscoveryClient discovery;
    private final OutlierDetector outliers;
    private final String zone;
    private final MeterRegistry meters;

    /**
     * @param discovery null when the service has no discovery client; then no client may use {@code lb://}
     * @param zone      this service's zone, for zone affinity
     */
    public ServiceClients(ClientProperties properties, DiscoveryClient discovery, OutlierDetector outliers, String zone,
            MeterRegistry meters) {
        this.clients = new LinkedHashMap<>();
        properties.clients().forEach((name, client) -> {
            if (client.enabled()) {
                clients.put(name, client);
            }
        });
        this.discovery = discovery;
        this.outliers = outliers;
        this.zone = zone;
        this.meters = meters;
        ClientSettingsCheck.check(clients, discovery != null);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
    }

    /** Whether {@code name} is an enabled client: an HTTP service group the starter configures. */
    public boolean has(String name) {
        return clients.containsKey(name);
    }

    /** The breaker of a client, or null when it has none; for health views and tests. */
    public CircuitBreaker breaker(String name) {
        return clients.get(name).circuitBreaker().enabled() ? breakers.circuitBreaker(name) : null;
    }

    /** One enabled client's settings. */
    ClientProperties.Client settings(String name) {
        return clients.get(name);
    }

    /**
     * One client's breaker, bulkhead, budget and picker, for either stack. Only types both stacks have appear here:
     * a servlet service without WebFlux must be able to load this class.
     */
    ClientCall call(String name) {
        ClientProperties.Client client = clients.get(name);
        return new ClientCall(name, client, breakerOf(name, client), bulkheadOf(name, client), outliers, zone, meters);
    }

    /** Sets up a RestClient builder for one client: base URL, timeouts, the resilient interceptor, problem errors. */
    public void configure(String name, RestClient.Builder builder) {
        ClientProperties.Client client = clients.get(name);
        // HTTP/1.1: over plain http the JDK client would otherwise try an h2c upgrade on every new connection, which
        // services do not speak and which can hold a request back until its timeout (seen in the gateway's tests).
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(client.connectTimeout()).build());
        requests.setReadTimeout(client.responseTimeout());
        builder.baseUrl(client.baseUrl())
                .requestFactory(requests)
                .requestInterceptor(new ClientCallInterceptor(call(name), retryOf(name, client), discovery,
                        new HeaderPropagation(client.propagateHeaders())))
                .defaultStatusHandler(HttpStatusCode::isError, new ProblemErrorHandler(name));
    }

    private CircuitBreaker breakerOf(String name, ClientProperties.Client client) {
        ClientProperties.CircuitBreaker b = client.circuitBreaker();
        if (!b.enabled()) {
            return null;
        }
        return breakers.circuitBreaker(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.slidingWindowSize())
                .minimumNumberOfCalls(b.minimumNumberOfCalls())
                .failureRateThreshold(b.failureRateThreshold())
                .waitDurationInOpenState(b.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(b.permittedCallsInHalfOpen())
                .slowCallDurationThreshold(b.slowCallDuration())
                .slowCallRateThreshold(b.slowCallRateThreshold())
                .build());
    }

    private Bulkhead bulkheadOf(String name, ClientProperties.Client client) {
        ClientProperties.Bulkhead b = client.bulkhead();
        if (!b.enabled()) {
            return null;
        }
        return bulkheads.bulkhead(name, BulkheadConfig.custom().maxConcurrentCalls(b.maxConcurrentCalls())
                .maxWaitDuration(b.maxWait()).build());
    }

    private Retry retryOf(String name, ClientProperties.Client client) {
        ClientProperties.Retry r = client.retry();
        if (!r.enabled() || r.maxAttempts() < 2) {
            return null;
        }
        // The interceptor decides which failures deserve another attempt; Retry waits and counts.
        return retries.retry(name, RetryConfig.<Object>custom()
                .maxAttempts(r.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(r.initialBackoff(), r.multiplier(), 0.5,
                        r.maxBackoff()))
                .retryOnResult(result -> true)
                .retryOnException(error -> true)
                .failAfterMaxAttempts(false)
                .build());
    }
}
