package dev.sluice.starter.client;

import dev.sluice.traffic.retry.ReplaySafety;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A reactive service's client calls, the same steps as {@link ClientCallInterceptor} on Reactor: propagated headers,
 * the bulkhead, then attempts (an instance from discovery, the breaker's permission, the exchange within the response
 * timeout, the outcome to the breaker and the outlier detector), retried with exponential backoff and jitter only
 * for replay-safe requests, listed statuses and transport failures, within the budget.
 */
final class ReactiveClientCallFilter implements ExchangeFilterFunction {

    /** The Reactor context key under which {@link ServingRequestHeaders} leaves the served request's headers. */
    static final String SERVING_HEADERS = ReactiveClientCallFilter.class.getName() + ".serving";

    private final ClientCall call;
    private final ReactiveDiscoveryClient discovery;
    private final List<String> propagated;

    ReactiveClientCallFilter(ClientCall call, ReactiveDiscoveryClient discovery) {
        this.call = call;
        this.discovery = discovery;
        this.propagated = HeaderPropagation.names(call.settings.propagateHeaders());
    }

    /** A retryable status, carried as an error through Reactor's retry; its response is given back if none is left. */
    private static final class RetryableStatus extends RuntimeException {
        final transient ClientResponse response;

        RetryableStatus(ClientResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest original, ExchangeFunction next) {
        return Mono.deferContextual(context -> {
            ClientRequest request = propagate(original, context.getOrDefault(SERVING_HEADERS, null));
            long start = System.nanoTime();
            if (call.bulkhead != null && !call.bulkhead.tryAcquirePermission()) {
                call.record(request.method(), start, "refused");
                return Mono.error(new ClientRefusedException(call.client, ClientRefusedException.Reason.BULKHEAD_FULL));
            }
            AtomicBoolean released = new AtomicBoolean();
            return attempts(request, next)
                    .doOnNext(response -> call.record(request.method(), start, ClientCall.outcome(response.statusCode().value())))
                    .doOnError(error -> call.record(request.method(), start,
                            error instanceof ClientRefusedException ? "refused" : "unavailable"))
                    .doFinally(signal -> {
                        if (call.bulkhead != null && released.compareAndSet(false, true)) {
                            call.bulkhead.onComplete();
                        }
                    });
        });
    }

    private Mono<ClientResponse> attempts(ClientRequest request, ExchangeFunction next) {
        ClientProperties.Retry r = call.settings.retry();
        boolean mayRetry = r.enabled() && r.maxAttempts() > 1 && ReplaySafety.mayReplay(request.method(), request.headers());
        long second = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime());
        call.budget.onRequest(second);
        Mono<ClientResponse> attempt = Mono.defer(() -> attempt(request, next))
                .flatMap(response -> mayRetry && call.retryStatuses.contains(response.statusCode().value())
                        ? Mono.error(new RetryableStatus(response)) : Mono.just(response));
        if (!mayRetry) {
            return attempt.onErrorMap(this::unavailable);
        }
        return attempt
                .retryWhen(Retry.backoff(r.maxAttempts() - 1, r.initialBackoff()).maxBackoff(r.maxBackoff()).jitter(0.5)
                        .filter(error -> (error instanceof RetryableStatus || isTransport(error))
                                && call.budget.tryRetry(second))
                        .doBeforeRetry(signal -> {
                            if (signal.failure() instanceof RetryableStatus status) {
                                status.response.releaseBody().subscribe();
                            }
                            call.retried();
                        })
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .onErrorResume(RetryableStatus.class, status -> Mono.just(status.response))
                .onErrorMap(this::unavailable);
    }

    private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next) {
        Mono<Optional<ServiceInstance>> instance = call.serviceId == null ? Mono.just(Optional.empty())
                : discovery.getInstances(call.serviceId).collectList().map(all -> Optional.of(call.pick(all)));
        return instance.flatMap(chosen -> {
            call.permit();
            ClientRequest target = chosen.map(i -> ClientRequest.from(request)
                    .url(ClientCall.onInstance(request.url(), i)).build()).orElse(request);
            long start = System.nanoTime();
            return next.exchange(target)
                    .timeout(call.settings.responseTimeout())
                    .doOnNext(response -> call.answered(chosen.orElse(null), start, response.statusCode().value()))
                    .doOnError(error -> call.failed(chosen.orElse(null), start, error))
                    .doOnCancel(() -> {
                        if (call.breaker != null) {
                            call.breaker.releasePermission();
                        }
                    });
        });
    }

    private static boolean isTransport(Throwable error) {
        return error instanceof TimeoutException || error instanceof IOException
                || error instanceof UpstreamUnavailableException || error instanceof WebClientRequestException;
    }

    private Throwable unavailable(Throwable error) {
        if (error instanceof ClientCallException || !isTransport(error)) {
            return error;
        }
        return error instanceof TimeoutException ? new UpstreamUnavailableException(call.client,
                "no answer within " + call.settings.responseTimeout().toMillis() + " ms", error) : call.unavailable(error);
    }

    private ClientRequest propagate(ClientRequest request, HttpHeaders serving) {
        if (serving == null) {
            return request;
        }
        return ClientRequest.from(request).headers(headers -> {
            for (String name : propagated) {
                String value = serving.getFirst(name);
                if (value != null && !headers.containsHeader(name)) {
                    headers.set(name, value);
                }
            }
        }).build();
    }
}
