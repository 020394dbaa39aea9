package dev.sluice.starter.client;

import dev.sluice.traffic.retry.ReplaySafety;
import io.github.resilience4j.retry.Retry;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Everything a servlet service's client does around one call, read top to bottom:
 * <ol>
 * <li>headers the call carries on (trace context, the caller's identity);</li>
 * <li>the bulkhead: a place among the calls in flight, or {@link ClientRefusedException} at once;</li>
 * <li>attempts, each: an instance from discovery ({@code lb://}), the breaker's permission (or
 * {@link ClientRefusedException} at once), the exchange, its outcome to the breaker and the outlier detector;</li>
 * <li>between attempts: another only for a replay-safe request, after a connection failure, a timeout or a listed
 * status, while attempts and the retry budget last, after an exponential backoff with jitter (Resilience4j's
 * {@link Retry} waits and counts).</li>
 * </ol>
 * Transport failures leave as {@link UpstreamUnavailableException}; error statuses are turned into
 * {@link UpstreamProblemException} by {@link ProblemErrorHandler}.
 */
final class ClientCallInterceptor implements ClientHttpRequestInterceptor {

    private final ClientCall call;
    private final Retry retry;
    private final DiscoveryClient discovery;
    private final Consumer<HttpRequest> propagation;

    /** @param retry null when the client does not retry */
    ClientCallInterceptor(ClientCall call, Retry retry, DiscoveryClient discovery, Consumer<HttpRequest> propagation) {
        this.call = call;
        this.retry = retry;
        this.discovery = discovery;
        this.propagation = propagation;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        propagation.accept(request);
        long start = System.nanoTime();
        String outcome = "unavailable";
        try {
            if (call.bulkhead != null && !call.bulkhead.tryAcquirePermission()) {
                throw new ClientRefusedException(call.client, ClientRefusedException.Reason.BULKHEAD_FULL);
            }
            try {
                ClientHttpResponse response = attempts(request, body, execution);
                outcome = ClientCall.outcome(statusOf(response));
                return response;
            }
            finally {
                if (call.bulkhead != null) {
                    call.bulkhead.onComplete();
                }
            }
        }
        catch (ClientRefusedException e) {
            outcome = "refused";
            throw e;
        }
        finally {
            call.record(request.getMethod(), start, outcome);
        }
    }

    private ClientHttpResponse attempts(HttpRequest request, byte[] body, ClientHttpRequestExecution execution) {
        boolean mayRetry = retry != null && ReplaySafety.mayReplay(request.getMethod(), request.getHeaders());
        long second = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime());
        call.budget.onRequest(second);
        Retry.Context<ClientHttpResponse> context = mayRetry ? retry.context() : null;
        for (int attempt = 1; ; attempt++) {
            boolean another = mayRetry && attempt < call.settings.retry().maxAttempts();
            ClientHttpResponse response;
            try {
                response = attempt(request, body, execution);
            }
            catch (IOException | UpstreamUnavailableException e) {
                if (!another || !call.budget.tryRetry(second)) {
                    throw call.unavailable(e);
                }
                try {
                    context.onError(e); // waits out the backoff
                }
                catch (Exception stop) {
                    throw call.unavailable(e);
                }
                call.retried();
                continue;
            }
            int status = statusOf(response);
            if (another && call.retryStatuses.contains(status) && call.budget.tryRetry(second)
                    && context.onResult(response)) {
                response.close(); // onResult waited out the backoff
                call.retried();
                continue;
            }
            if (context != null) {
                context.onComplete();
            }
            return response;
        }
    }

    private ClientHttpResponse attempt(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        ServiceInstance instance = null;
        HttpRequest target = request;
        if (call.serviceId != null) {
            instance = call.pick(discovery.getInstances(call.serviceId));
            target = onInstance(request, instance);
        }
        call.permit();
        long start = System.nanoTime();
        try {
            ClientHttpResponse response = execution.execute(target, body);
            call.answered(instance, start, statusOf(response));
            return response;
        }
        catch (IOException | RuntimeException e) {
            call.failed(instance, start, e);
            throw e;
        }
    }

    private static int statusOf(ClientHttpResponse response) {
        try {
            return response.getStatusCode().value();
        }
        catch (IOException e) {
            return 502;
        }
    }

    private static HttpRequest onInstance(HttpRequest request, ServiceInstance instance) {
        URI uri = ClientCall.onInstance(request.getURI(), instance);
        return new HttpRequestWrapper(request) {
            @Override
            public URI getURI() {
                return uri;
            }
        };
    }
}
