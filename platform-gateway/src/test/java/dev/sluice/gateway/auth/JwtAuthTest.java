package dev.sluice.gateway.auth;

import dev.sluice.gateway.support.InProcessGateway;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.sluice.test.http.TestBackend;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code auth.jwt} policy through a real gateway: tokens signed here, keys served by real JWKS endpoints on
 * loopback (one that rotates its keys, one that goes down), a real backend that records what reached it, and the
 * real Redis Cluster behind the principal-keyed rate limit. Each test has its own route, so none depends on another.
 */
class JwtAuthTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(RedisCluster.builder());

    static final String ISSUER = "https://issuer.test";
    static final RSAKey KEY = JwksServer.rsaKey("main-1");
    static final RSAKey OLD = JwksServer.rsaKey("rot-1");
    static final RSAKey ROTATED = JwksServer.rsaKey("rot-2");
    static final RSAKey HELD = JwksServer.rsaKey("down-1");
    static final ECKey EC = TestTokens.ecKey();

    static JwksServer jwks;
    static JwksServer rotating;
    static JwksServer goingDown;
    static TestBackend backend;
    static InProcessGateway gateway;
    static int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void start() {
        jwks = JwksServer.start(KEY);
        rotating = JwksServer.start(OLD);
        goingDown = JwksServer.start(HELD);
        backend = TestBackend.start("authed");
        List<String> args = new ArrayList<>(List.of("--sluice.gateway.store.enabled=false",
                "--spring.data.redis.cluster.nodes=" + REDIS.cluster().nodeAddresses()));
        route(args, 0, "jwt", jwks.uri());
        args.add("--sluice.gateway.routes[0].auth.identity.claims.tenant=X-Tenant");
        args.add("--sluice.gateway.routes[0].auth.identity.claims.roles=X-Roles");
        route(args, 1, "scoped", jwks.uri());
        args.add("--sluice.gateway.routes[1].auth.jwt.scopes[0]=orders.write");
        route(args, 2, "rotating", rotating.uri());
        args.add("--sluice.gateway.routes[2].auth.jwt.jwksRefetchAfter=1s");
        route(args, 3, "down", goingDown.uri());
        args.add("--sluice.gateway.routes[3].auth.jwt.jwksRefetchAfter=1s");
        route(args, 4, "limited", jwks.uri());
        args.add("--sluice.gateway.routes[4].rateLimit.rate=2");
        args.add("--sluice.gateway.routes[4].rateLimit.period=30s");
        args.add("--sluice.gateway.routes[4].rateLimit.key=principal");
        args.add("--sluice.gateway.routes[5].id=pem");
        args.add("--sluice.gateway.routes[5].uri=" + backend.url());
        args.add("--sluice.gateway.routes[5].match.path=/pem/**");
        args.add("--sluice.gateway.routes[5].auth.jwt.publicKeys[0]=" + TestTokens.pem(EC));
        gateway = InProcessGateway.start(args);
        port = gateway.port();
    }

    private static void route(List<String> args, int i, String id, String jwksUri) {
        String at = "--sluice.gateway.routes[" + i + "].";
        args.add(at + "id=" + id);
        args.add(at + "uri=" + backend.url());
        args.add(at + "match.path=/" + id + "/**");
        args.add(at + "auth.jwt.jwksUri=" + jwksUri);
        args.add(at + "auth.jwt.issuer=" + ISSUER);
        args.add(at + "auth.jwt.audiences[0]=orders");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {jwks, rotating, goingDown, backend}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            }
            catch (Exception ignored) {
                // the others still close
            }
        }
    }

    @Test
    void aValidTokenPassesWithTheCallersIdentityAndNoForgedCopy() throws Exception {
        String path = "/jwt/" + UUID.randomUUID();
        String token = JwksServer.sign(KEY, claims("alice").claim("tenant", "acme").claim("roles", List.of("a", "b")).build());
        HttpResponse<String> response = send(path, token, "X-Auth-Subject", "root", "X-Tenant", "evil");
        assertThat(response.statusCode()).isEqualTo(200);
        TestBackend.Received received = received(path);
        assertThat(received.header("X-Auth-Subject")).containsExactly("alice");
        assertThat(received.header("X-Tenant")).containsExactly("acme");
        assertThat(received.header("X-Roles")).containsExactly("a,b");

        // A token without the claim: the client's copy of its header is removed, not passed along.
        String other = "/jwt/" + UUID.randomUUID();
        assertThat(send(other, JwksServer.sign(KEY, claims("bob").build()), "X-Tenant", "evil", "X-Roles", "admin")
                .statusCode()).isEqualTo(200);
        assertThat(received(other).header("X-Tenant")).isEmpty();
        assertThat(received(other).header("X-Roles")).isEmpty();
        assertThat(received(other).header("X-Auth-Subject")).containsExactly("bob");
    }

    @Test
    void noTokenIsA401ProblemWithAChallengeAndForgedIdentityNeverReachesTheUpstream() throws Exception {
        String path = "/jwt/" + UUID.randomUUID();
        HttpResponse<String> response = send(path, null, "X-Auth-Subject", "root");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(response.body()).get("type").asString()).endsWith("/missing_token");
        assertThat(backend.receivedOn(path)).isZero();

        HttpResponse<String> basic = send(path, null, "Authorization", "Basic YWxpY2U6c2VjcmV0");
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(backend.receivedOn(path)).isZero();
    }

    @Test
    void expiredWrongAudienceWrongIssuerUnsignedAndGarbledTokensAre401() throws Exception {
        String path = "/jwt/" + UUID.randomUUID();
        Instant now = Instant.now();
        Map<String, String> tokens = Map.of(
                "expired", JwksServer.sign(KEY, claims("alice")
                        .issueTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.minusSeconds(300))).build()),
                "wrong audience", JwksServer.sign(KEY, claims("alice").audience("billing").build()),
                "wrong issuer", JwksServer.sign(KEY, claims("alice").issuer("https://elsewhere.test").build()),
                "signed by a stranger", JwksServer.sign(JwksServer.rsaKey("main-1"), claims("alice").build()),
                "unsigned", new com.nimbusds.jwt.PlainJWT(claims("alice").build()).serialize(),
                "garbled", "not.a.jwt");
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            HttpResponse<String> response = send(path, token.getValue());
            assertThat(response.statusCode()).as(token.getKey()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(token.getKey())
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer error=\"invalid_token\""));
            assertThat(json.readTree(response.body()).get("type").asString()).as(token.getKey()).endsWith("/invalid_token");
        }
        assertThat(send(path, tokens.get("expired")).body()).contains("expired");
        assertThat(backend.receivedOn(path)).isZero();
    }

    @Test
    void aTokenWithoutTheRequiredScopeIs403NamingIt() throws Exception {
        String path = "/scoped/" + UUID.randomUUID();
        HttpResponse<String> denied = send(path, JwksServer.sign(KEY, claims("alice").claim("scope", "orders.read").build()));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer error=\"insufficient_scope\", scope=\"orders.write\"");
        assertThat(json.readTree(denied.body()).get("type").asString()).endsWith("/insufficient_scope");
        assertThat(send(path, JwksServer.sign(KEY, claims("alice").claim("scope", "orders.read orders.write").build()))
                .statusCode()).isEqualTo(200);
        assertThat(send(path, JwksServer.sign(KEY, claims("alice").claim("scp", List.of("orders.write")).build()))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownKeyIsRefusedUntilTheIssuerPublishesItAndMadeUpKeysCannotMakeTheGatewayHammerTheIssuer() throws Exception {
        String path = "/rotating/" + UUID.randomUUID();
        assertThat(send(path, JwksServer.sign(OLD, claims("alice").build())).statusCode()).isEqualTo(200);
        int before = rotating.fetches();
        String rotatedToken = JwksServer.sign(ROTATED, claims("alice").build());
        for (int i = 0; i < 20; i++) {
            assertThat(send(path, rotatedToken).statusCode()).isEqualTo(401);
        }
        assertThat(rotating.fetches() - before).as("JWKS fetches for 20 tokens with an unknown key").isLessThanOrEqualTo(1);

        rotating.publish(ROTATED);
        Thread.sleep(1100); // past jwksRefetchAfter
        assertThat(send(path, rotatedToken).statusCode()).isEqualTo(200);
        assertThat(send(path, JwksServer.sign(OLD, claims("bob").build())).statusCode()).isEqualTo(200);
    }

    @Test
    void withTheJwksEndpointDownHeldKeysKeepWorkingAndUnknownKeysAre401Not5xx() throws Exception {
        String path = "/down/" + UUID.randomUUID();
        assertThat(send(path, JwksServer.sign(HELD, claims("alice").build())).statusCode()).isEqualTo(200);
        goingDown.close();
        Thread.sleep(1100); // past jwksRefetchAfter, so an unknown key does try the endpoint
        assertThat(send(path, JwksServer.sign(HELD, claims("bob").build())).statusCode()).isEqualTo(200);
        HttpResponse<String> unknown = send(path, JwksServer.sign(JwksServer.rsaKey("down-2"), claims("carol").build()));
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(send(path, JwksServer.sign(HELD, claims("dave").build())).statusCode()).isEqualTo(200);
    }

    @Test
    void theRateLimitsPrincipalKeyCountsEachVerifiedSubjectApart() throws Exception {
        String alice = JwksServer.sign(KEY, claims("alice-" + UUID.randomUUID()).build());
        String bob = JwksServer.sign(KEY, claims("bob-" + UUID.randomUUID()).build());
        assertThat(send("/limited/a", alice).statusCode()).isEqualTo(200);
        assertThat(send("/limited/a", alice).statusCode()).isEqualTo(200);
        assertThat(send("/limited/a", alice).statusCode()).isEqualTo(429);
        // A forged subject header does not make a separate bucket: the limit counts the verified subject.
        assertThat(send("/limited/a", alice, "X-Auth-Subject", "someone-else").statusCode()).isEqualTo(429);
        assertThat(send("/limited/b", bob).statusCode()).isEqualTo(200);
    }

    @Test
    void configuredPublicKeysVerifyWithoutAnyJwks() throws Exception {
        String path = "/pem/" + UUID.randomUUID();
        assertThat(send(path, TestTokens.sign(EC, claims("alice").build())).statusCode()).isEqualTo(200);
        assertThat(received(path).header("X-Auth-Subject")).containsExactly("alice");
        assertThat(send(path, TestTokens.sign(TestTokens.ecKey(), claims("alice").build())).statusCode()).isEqualTo(401);
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("orders")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    private HttpResponse<String> send(String path, String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static TestBackend.Received received(String path) {
        return backend.received().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
    }
}
