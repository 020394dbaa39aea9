package dev.sluice.starter.client;

import dev.sluice.traffic.loadbalancer.Balancing;
import dev.sluice.traffic.loadbalancer.InstancePicker;
import dev.sluice.traffic.loadbalancer.OutlierDetector;
import dev.sluice.traffic.retry.RetryBudget;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.http.HttpMethod;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One client's resilience state and bookkeeping, shared by both stacks ({@link ClientCallInterceptor} for RestClient,
 * {@link ReactiveClientCallFilter} for WebClient): its breaker, bulkhead, retry budget and instance picker, how an
 * attempt's outcome reaches the breaker and the outlier detector, and its metrics.
 */
final class ClientCall {

    final String client;
    final ClientProperties.Client settings;
    final CircuitBreaker breaker;
    final Bulkhead bulkhead;
    final RetryBudget budget;
    final Set<Integer> retryStatuses;
    /** The service an {@code lb://} client calls; null for a fixed URL. */
    final String serviceId;
    private final InstancePicker picker;
    private final Balancing balancing;
    private final OutlierDetector outliers;
    private final MeterRegistry meters;

    /**
     * @param breaker  null when the client has no breaker
     * @param bulkhead null when the client has no bulkhead
     */
    ClientCall(String client, ClientProperties.Client settings, CircuitBreaker breaker, Bulkhead bulkhead,
            OutlierDetector outliers, String zone, MeterRegistry meters) {
        this.client = client;
        this.settings = settings;
        this.breaker = breaker;
        this.bulkhead = bulkhead;
        this.outliers = outliers;
        this.meters = meters;
        this.budget = new RetryBudget(settings.retry().budgetRatio(), settings.retry().budgetFloor());
        this.retryStatuses = Set.copyOf(settings.retry().statuses());
        URI base = URI.create(settings.baseUrl());
        this.serviceId = "lb".equals(base.getScheme()) ? base.getHost() : null;
        this.picker = serviceId == null ? null : new InstancePicker(serviceId, outliers, zone);
        this.balancing = Balancing.of(settings.loadBalancer().strategy(), settings.loadBalancer().zoneAffinity());
    }

    /** The instance the next attempt goes to, with the gateway's load balancer. */
    ServiceInstance pick(List<ServiceInstance> instances) {
        ServiceInstance chosen = picker.pick(instances, balancing);
        if (chosen == null) {
            throw new UpstreamUnavailableException(client, "no instance of '" + serviceId + "' is known to discovery", null);
        }
        return chosen;
    }

    /** Asks the breaker for one attempt; refuses at once, with no network call, while it is open. */
    void permit() {
        if (breaker != null && !breaker.tryAcquirePermission()) {
            throw new ClientRefusedException(client, ClientRefusedException.Reason.CIRCUIT_OPEN);
        }
    }

    /** An attempt's answer: a 5xx counts as a failure for the breaker and the outlier detector. */
    void answered(ServiceInstance instance, long startNanos, int status) {
        if (status >= 500) {
            failed(instance, startNanos, new IllegalStateException("answered " + status));
            return;
        }
        if (breaker != null) {
            breaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
        if (instance != null) {
            outliers.onSuccess(serviceId, instance);
        }
    }

    /** An attempt that got no answer: refused, reset, timed out. */
    void failed(ServiceInstance instance, long startNanos, Throwable error) {
        if (breaker != null) {
            breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, error);
        }
        if (instance != null) {
            outliers.onFailure(serviceId, instance);
        }
    }

    void retried() {
        meters.counter("sluice.client.retries", "client", client).increment();
    }

    /** One call, retries included: {@code sluice.client.requests{client, method, outcome}}. */
    void record(HttpMethod method, long startNanos, String outcome) {
        Timer.builder("sluice.client.requests").description("Calls through a Sluice client, retries included")
                .tags("client", client, "method", method.name(), "outcome", outcome)
                .register(meters).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    static String outcome(int status) {
        return status >= 500 ? "server_error" : status >= 400 ? "client_error" : "success";
    }

    /** {@code lb://SERVICE/...} with the instance's scheme, host and port. */
    static URI onInstance(URI uri, ServiceInstance instance) {
        return UriComponentsBuilder.fromUri(uri).scheme(instance.isSecure() ? "https" : "http")
                .host(instance.getHost()).port(instance.getPort()).build(true).toUri();
    }

    /** A failure without an answer, as the caller sees it. */
    UpstreamUnavailableException unavailable(Throwable error) {
        if (error instanceof UpstreamUnavailableException unavailable) {
            return unavailable;
        }
        return new UpstreamUnavailableException(client, error.getClass().getSimpleName()
                + (error.getMessage() != null ? ": " + error.getMessage() : ""), error);
    }
}
