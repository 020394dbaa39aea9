package dev.sluice.gateway.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The keys one route verifies tokens with: configured, or fetched from a JWKS URL and kept. A token naming a key the
 * cache lacks (the issuer rotated its keys) makes it fetch again, but at most once per {@code refetchAfter}, so that
 * tokens with made-up key ids cannot make the gateway hammer the issuer. When the JWKS endpoint is down the cached
 * keys keep working; a token for an unknown key then finds none, and is refused like any other bad token.
 */
final class JwkKeys {

    private static final Logger log = LoggerFactory.getLogger(JwkKeys.class);

    private final AtomicReference<JWKSet> cached;
    private final Mono<JWKSet> fetch;
    private final long refetchAfterMillis;
    private final LongSupplier clock;
    private final Object lock = new Object();
    private long lastAttempt = Long.MIN_VALUE;
    private Mono<JWKSet> inFlight;

    private JwkKeys(JWKSet keys, Mono<JWKSet> fetch, Duration refetchAfter, LongSupplier clock) {
        this.cached = new AtomicReference<>(keys);
        this.fetch = fetch;
        this.refetchAfterMillis = refetchAfter.toMillis();
        this.clock = clock;
    }

    static JwkKeys fixed(List<JWK> keys) {
        return new JwkKeys(new JWKSet(keys), null, Duration.ZERO, System::currentTimeMillis);
    }

    static JwkKeys remote(String jwksUri, WebClient web, Duration timeout, Duration refetchAfter) {
        Mono<JWKSet> fetch = web.get().uri(jwksUri).retrieve().bodyToMono(String.class).timeout(timeout)
                .map(JwkKeys::parse);
        return new JwkKeys(null, fetch, refetchAfter, System::currentTimeMillis);
    }

    /**
     * The keys that may have signed {@code jwt}: from a JWKS by key id and algorithm; configured keys, which carry no
     * id, by the algorithm's key type.
     */
    Flux<JWK> select(SignedJWT jwt) {
        JWKSelector selector = new JWKSelector(fetch == null
                ? new JWKMatcher.Builder().keyType(KeyType.forAlgorithm(jwt.getHeader().getAlgorithm())).build()
                : JWKMatcher.forJWSHeader(jwt.getHeader()));
        JWKSet current = cached.get();
        if (current != null) {
            List<JWK> found = selector.select(current);
            if (!found.isEmpty() || fetch == null) {
                return Flux.fromIterable(found);
            }
        }
        return refresh().flatMapIterable(selector::select);
    }

    /** Fetches the JWKS again unless it was tried lately; concurrent callers share one fetch. */
    private Mono<JWKSet> refresh() {
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            long now = clock.getAsLong();
            if (lastAttempt != Long.MIN_VALUE && now - lastAttempt < refetchAfterMillis) {
                return Mono.empty();
            }
            lastAttempt = now;
            inFlight = fetch
                    .doOnNext(cached::set)
                    .onErrorResume(e -> {
                        log.warn("Could not fetch the JWKS ({}); verifying with the {} keys held", e.toString(),
                                cached.get() == null ? "no" : cached.get().size());
                        return Mono.empty();
                    })
                    .doFinally(signal -> {
                        synchronized (lock) {
                            inFlight = null;
                        }
                    })
                    .cache();
            return inFlight;
        }
    }

    private static JWKSet parse(String json) {
        try {
            return JWKSet.parse(json);
        }
        catch (ParseException e) {
            throw new IllegalStateException("the JWKS is not a JWK set: " + e.getMessage(), e);
        }
    }
}
