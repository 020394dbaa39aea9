package dev.sluice.starter.client;

/**
 * What a client interface answers when its upstream cannot: declare a bean of {@code ClientFallback<YourApi>}, and
 * calls through {@code YourApi} that are refused ({@link ClientRefusedException}) or find the upstream unavailable
 * ({@link UpstreamUnavailableException}) are answered by the implementation it returns. An upstream's problem answer
 * ({@link UpstreamProblemException}) is an answer, not an outage, and is never replaced.
 * <pre>{@code
 * @Bean
 * ClientFallback<PricesApi> pricesFallback(PriceCache cache) {
 *     return failure -> sku -> cache.lastKnown(sku);
 * }
 * }</pre>
 *
 * @param <T> the client interface
 */
@FunctionalInterface
public interface ClientFallback<T> {

    /** @param failure why the call could not be made */
    T fallbackFor(ClientCallException failure);
}
