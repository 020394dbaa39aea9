package dev.sluice.gateway.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks one route's bearer tokens with Spring Security's JWT decoder: the signature against {@link JwkKeys}, then
 * expiry and not-before (with the clock skew), issuer, audience and required claims, then scopes. Decoding is pure
 * CPU once the keys are held; nothing here blocks. An accepted token is held ({@link VerifiedTokens}) and not
 * verified again while it lasts.
 */
final class JwtVerifier {

    /** Why a token was refused: {@code 401} for a bad token, {@code 403} for missing scopes. */
    record Refusal(int status, String code, String detail) {
    }

    /** The outcome: a verified token, or a refusal. */
    record Outcome(Jwt jwt, Refusal refusal) {
    }

    /** How long a verified token is held at most: a withdrawn key's tokens pass for this long after. */
    static final Duration HOLD_AT_MOST = Duration.ofMinutes(5);

    private final NimbusReactiveJwtDecoder decoder;
    private final List<String> scopes;
    private final VerifiedTokens verified;

    JwtVerifier(JwtAuth spec, JwkKeys keys) {
        this.verified = new VerifiedTokens(10_000, HOLD_AT_MOST, spec.clockSkewOrDefault(), System::currentTimeMillis);
        Set<JWSAlgorithm> algorithms = spec.algorithmsOrDefault().stream().map(JWSAlgorithm::parse)
                .collect(Collectors.toSet());
        this.decoder = NimbusReactiveJwtDecoder.withJwkSource(keys::select)
                .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(
                        new JWSVerificationKeySelector<>(algorithms, new JWKSecurityContextJWKSet())))
                .build();
        decoder.setJwtValidator(validator(spec));
        this.scopes = spec.scopes() != null ? List.copyOf(spec.scopes()) : List.of();
    }

    private static OAuth2TokenValidator<Jwt> validator(JwtAuth spec) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator(spec.clockSkewOrDefault()));
        if (spec.issuer() != null) {
            validators.add(new JwtIssuerValidator(spec.issuer()));
        }
        if (spec.audiences() != null && !spec.audiences().isEmpty()) {
            Set<String> accepted = Set.copyOf(spec.audiences());
            validators.add(new JwtClaimValidator<Object>("aud", aud -> aud instanceof Collection<?> list
                    ? list.stream().anyMatch(accepted::contains) : accepted.contains(aud)));
        }
        if (spec.requiredClaims() != null) {
            spec.requiredClaims().forEach(claim -> validators.add(new JwtClaimValidator<Object>(claim, Objects::nonNull)));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    /** The token, when it was verified lately and still holds; {@code null} otherwise (then {@link #verify}). */
    Jwt held(String token) {
        return verified.get(token);
    }

    /** Never errors: a token that does not verify, or keys that cannot be had, end in a refusal. */
    Mono<Outcome> verify(String token) {
        return decoder.decode(token)
                .map(jwt -> {
                    List<String> missing = missingScopes(jwt);
                    if (!missing.isEmpty()) {
                        return new Outcome(null, new Refusal(403, "insufficient_scope",
                                "The token lacks the scopes " + String.join(", ", missing)));
                    }
                    verified.put(token, jwt);
                    return new Outcome(jwt, null);
                })
                .onErrorResume(JwtException.class, e -> Mono.just(new Outcome(null,
                        new Refusal(401, "invalid_token", describe(e)))));
    }

    List<String> requiredScopes() {
        return scopes;
    }

    private List<String> missingScopes(Jwt jwt) {
        if (scopes.isEmpty()) {
            return List.of();
        }
        Set<String> granted = new HashSet<>();
        Object scope = jwt.getClaims().get("scope");
        if (scope instanceof String text) {
            granted.addAll(Arrays.asList(text.trim().split("\\s+")));
        }
        Object scp = jwt.getClaims().get("scp");
        if (scp instanceof Collection<?> list) {
            list.forEach(s -> granted.add(String.valueOf(s)));
        }
        else if (scp instanceof String text) {
            granted.addAll(Arrays.asList(text.trim().split("\\s+")));
        }
        return scopes.stream().filter(s -> !granted.contains(s)).toList();
    }

    /** What was wrong, in words fit for the client: the validators' own, or a generic one for a bad signature. */
    private static String describe(JwtException e) {
        if (e instanceof JwtValidationException invalid) {
            return invalid.getErrors().stream().map(OAuth2Error::getDescription).filter(Objects::nonNull)
                    .findFirst().orElse("The token is not valid");
        }
        return "The token is not a JWT signed by a key this route trusts";
    }

    /** Keys from PEM text ({@code -----BEGIN PUBLIC KEY-----}): RSA or EC public keys. */
    static List<JWK> parsePems(List<String> pems) {
        List<JWK> keys = new ArrayList<>();
        for (String pem : pems) {
            keys.add(parsePem(pem));
        }
        return keys;
    }

    static JWK parsePem(String pem) {
        String base64 = pem == null ? "" : pem.replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a PEM public key");
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return new RSAKey.Builder((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spec)).build();
        }
        catch (GeneralSecurityException | ClassCastException notRsa) {
            try {
                ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(spec);
                return new ECKey.Builder(Curve.forECParameterSpec(key.getParams()), key).build();
            }
            catch (GeneralSecurityException | RuntimeException notEc) {
                throw new IllegalArgumentException("is not a PEM public key (RSA or EC)");
            }
        }
    }
}
