package dev.sluice.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/** EC keys as a route's configured PEM, and ES256 tokens signed with them, for tests of routes with {@code auth}. */
public final class TestTokens {

    private TestTokens() {
    }

    public static ECKey ecKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public half, as {@code auth.jwt.publicKeys} takes it. */
    public static String pem(ECKey key) {
        try {
            return "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(key.toECPublicKey().getEncoded())
                    + "\n-----END PUBLIC KEY-----";
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(ECKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token for {@code subject}, valid for five minutes, with no issuer or audience. */
    public static String token(ECKey key, String subject) {
        Instant now = Instant.now();
        return sign(key, new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300))).build());
    }
}
