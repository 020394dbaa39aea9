package dev.sluice.gateway.route;

import dev.sluice.gateway.breaker.CircuitBreakerPolicy;
import dev.sluice.gateway.ratelimit.RateLimitPolicy;
import dev.sluice.gateway.retry.RetryPolicy;
import dev.sluice.gateway.split.SplitTarget;
import dev.sluice.gateway.validation.ValidatePolicy;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading route documents (from properties and from JSON) and validating them, field by field. */
class RouteModelTest {

    private static final RouteModel MODEL = BuiltInPolicies.model();

    @Test
    void theIssueExampleReadsFromPropertiesIntoTheModel() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("sluice.gateway.routes[0].id", "orders");
        p.put("sluice.gateway.routes[0].uri", "lb://sample-order-service");
        p.put("sluice.gateway.routes[0].match.path", "/api/orders/**");
        p.put("sluice.gateway.routes[0].match.methods[0]", "GET");
        p.put("sluice.gateway.routes[0].match.methods[1]", "POST");
        p.put("sluice.gateway.routes[0].match.headers.X-Tenant", "acme");
        p.put("sluice.gateway.routes[0].match.host", "*.example.com");
        p.put("sluice.gateway.routes[0].stripPrefix", 1);
        p.put("sluice.gateway.routes[0].timeout", "2s");
        p.put("sluice.gateway.routes[0].retry.attempts", 2);
        p.put("sluice.gateway.routes[0].retry.backoff", "50ms");
        p.put("sluice.gateway.routes[0].retry.statuses[0]", 502);
        p.put("sluice.gateway.routes[0].circuitBreaker.failureRateThreshold", 50);
        p.put("sluice.gateway.routes[0].circuitBreaker.fallback.status", 503);
        p.put("sluice.gateway.routes[0].circuitBreaker.fallback.body.message", "orders are paused");
        p.put("sluice.gateway.routes[0].rateLimit.rate", "100"); // command-line values arrive as strings
        p.put("sluice.gateway.routes[0].rateLimit.key", "ip");
        p.put("sluice.gateway.routes[0].validate.maxBodySize", "64KB");
        p.put("sluice.gateway.routes[0].validate.jsonSchema.type", "object");
        p.put("sluice.gateway.routes[0].split[0].uri", "lb://orders-v2");
        p.put("sluice.gateway.routes[0].split[0].weight", 10);
        p.put("sluice.gateway.routes[0].split[1].uri", "lb://orders-v2");
        p.put("sluice.gateway.routes[0].split[1].when.header.X-Canary", "true");
        p.put("sluice.gateway.routes[1].id", "${route.name:inventory}");
        p.put("sluice.gateway.routes[1].uri", "http://127.0.0.1:8102");
        p.put("sluice.gateway.routes[1].match.path", "/api/inventory/**");

        List<RouteDocument> routes = EnvironmentRoutes.read(environment(p), MODEL);

        assertThat(routes).hasSize(2);
        RouteDocument orders = routes.get(0);
        assertThat(orders.match().methods()).containsExactly("GET", "POST");
        assertThat(orders.match().headers()).containsEntry("X-Tenant", "acme");
        assertThat(orders.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(orders.policy("retry", RetryPolicy.class).backoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(orders.policy("rateLimit", RateLimitPolicy.class).rate()).isEqualTo(100);
        assertThat(orders.policy("circuitBreaker", CircuitBreakerPolicy.class).fallback().body().path("message").asString()).isEqualTo("orders are paused");
        assertThat(orders.policy("validate", ValidatePolicy.class).maxBodySize().toKilobytes()).isEqualTo(64);
        assertThat(orders.policy("validate", ValidatePolicy.class).jsonSchema().path("type").asString()).isEqualTo("object");
        assertThat(((SplitTarget) orders.policy("split", List.class).get(1)).when().header()).containsEntry("X-Canary", "true");
        assertThat(routes.get(1).id()).isEqualTo("inventory"); // placeholders resolve
        Violations v = new Violations();
        RouteValidator.validate(MODEL, routes, v);
        assertThat(v.list()).isEmpty();
    }

    @Test
    void theSameDocumentReadsFromJsonAndWritesBackTheSameShape() {
        String json = """
                {"id":"orders","uri":"lb://orders","match":{"path":"/api/orders/**"},"timeout":"1500ms",
                 "rateLimit":{"rate":10,"period":"1s"},"validate":{"maxBodySize":"1MB"}}""";
        RouteDocument route = MODEL.read(json);
        assertThat(route.timeout()).isEqualTo(Duration.ofMillis(1500));
        String written = RouteJson.mapper().writeValueAsString(route);
        assertThat(written).contains("\"timeout\":\"1500ms\"").contains("\"period\":\"1s\"").contains("\"maxBodySize\":\"1MB\"");
        assertThat(MODEL.read(written)).isEqualTo(route);
    }

    @Test
    void everyUnknownFieldAndUnreadableValueIsListedNotJustTheFirst() {
        assertThatThrownBy(() -> MODEL.read("""
                {"id": "x", "uri": "http://a", "match": {"path": "/", "hots": "a"}, "ratelimit": {}, "timeout": "soon",
                 "cache": {"ttl": "1s", "maxBodySize": "huge"}, "retry": {"attempts": "many"}}"""))
                .isInstanceOfSatisfying(InvalidRoutesException.class, e -> assertThat(e.violations())
                        .extracting(RouteViolation::field)
                        .containsExactlyInAnyOrder("match.hots", "ratelimit", "timeout", "cache.maxBodySize", "retry.attempts"));
    }

    @Test
    void aFallbackRouteMustBeAnotherRouteOfTheTable() {
        Violations v = new Violations();
        RouteValidator.validate(MODEL, MODEL.readList(List.of(
                Map.of("id", "a", "uri", "http://h", "match", Map.of("path", "/a"),
                        "circuitBreaker", Map.of("fallback", Map.of("route", "nowhere"))),
                Map.of("id", "b", "uri", "http://h", "match", Map.of("path", "/b"),
                        "circuitBreaker", Map.of("fallback", Map.of("route", "b"))),
                Map.of("id", "c", "uri", "http://h", "match", Map.of("path", "/c"),
                        "circuitBreaker", Map.of("fallback", Map.of("route", "a")))), "routes"), v.at("routes"));
        assertThat(v.list()).containsExactlyInAnyOrder(
                new RouteViolation("routes[0].circuitBreaker.fallback.route", "names no route in this table"),
                new RouteViolation("routes[1].circuitBreaker.fallback.route", "must name another route"));
    }

    @Test
    void anUnknownFieldIsAnErrorNamingIt() {
        assertThatThrownBy(() -> MODEL.read("{\"id\":\"x\",\"uri\":\"http://a\",\"match\":{\"path\":\"/\"},\"ratelimit\":{}}"))
                .isInstanceOfSatisfying(InvalidRoutesException.class, e -> assertThat(e.violations())
                        .containsExactly(new RouteViolation("ratelimit", "unknown field")));
        assertThatThrownBy(() -> MODEL.read("{\"id\":\"x\",\"uri\":\"http://a\",\"match\":{\"path\":\"/\"},\"colour\":\"red\"}"))
                .isInstanceOfSatisfying(InvalidRoutesException.class, e -> assertThat(e.violations())
                        .containsExactly(new RouteViolation("colour", "unknown field")));
        assertThatThrownBy(() -> MODEL.readList(List.of(Map.of("id", "x", "uri", "http://a", "match", Map.of("path", "/"),
                "tags", List.of("a"))), "routes"))
                .isInstanceOfSatisfying(InvalidRoutesException.class, e -> assertThat(e.violations())
                        .containsExactly(new RouteViolation("routes[0].tags", "unknown field")));
    }

    @Test
    void aBadDurationIsAnErrorNamingTheFieldFromProperties() {
        Map<String, Object> p = Map.of(
                "sluice.gateway.routes[0].id", "x",
                "sluice.gateway.routes[0].uri", "http://a",
                "sluice.gateway.routes[0].match.path", "/",
                "sluice.gateway.routes[0].retry.backoff", "soon");
        assertThatThrownBy(() -> EnvironmentRoutes.read(environment(p), MODEL))
                .isInstanceOfSatisfying(InvalidRoutesException.class, e -> {
                    assertThat(e.violations()).hasSize(1);
                    assertThat(e.violations().get(0).field()).isEqualTo("sluice.gateway.routes[0].retry.backoff");
                    assertThat(e.violations().get(0).message()).contains("soon").contains("duration");
                });
    }

    @Test
    void everySemanticViolationIsListedByField() {
        String json = """
                {"id":"bad id!","uri":"ftp://files","match":{"path":"api","methods":["FETCH"]},
                 "timeout":"0s","stripPrefix":-1,
                 "retry":{"attempts":20,"statuses":[404]},
                 "circuitBreaker":{"failureRateThreshold":0,"fallback":{"status":700}},
                 "bulkhead":{"maxConcurrent":0},
                 "rateLimit":{"rate":0,"key":"cookie"},
                 "validate":{"jsonSchema":"http://evil/schema.json","contentTypes":["not a type"]},
                 "split":[{"uri":"lb://v2","weight":80},{"uri":"javascript:alert(1)","weight":30},{"uri":"lb://v3"}],
                 "loadBalancer":{"strategy":"random"},
                 "auth":{"jwt":{"jwksUri":"ftp://keys","publicKeys":["x"],"algorithms":["HS256"],"clockSkew":"1h"},
                         "identity":{"subject":"bad header","claims":{"tenant":"X:T"}}}}""";
        Violations v = new Violations();
        RouteValidator.validate(MODEL, MODEL.read(json), v);
        assertThat(v.list()).extracting(RouteViolation::field).contains(
                "id", "uri", "match.path", "match.methods[0]", "timeout", "stripPrefix", "retry.attempts",
                "retry.statuses[0]", "circuitBreaker.failureRateThreshold", "circuitBreaker.fallback.status",
                "bulkhead.maxConcurrent", "rateLimit.rate", "rateLimit.key", "validate.jsonSchema",
                "validate.contentTypes[0]", "split[1].uri", "split[2]", "split", "loadBalancer.strategy",
                "auth.jwt", "auth.jwt.jwksUri", "auth.jwt.algorithms[0]", "auth.jwt.clockSkew", "auth.identity.subject",
                "auth.identity.claims.tenant");
    }

    @Test
    void onlyHttpHttpsAndLbUpstreamsAreAllowed() {
        for (String uri : List.of("file:///etc/passwd", "forward:/admin", "gopher://x", "jar:file:x!/", "http://", "lb:///", "ws://")) {
            Violations v = new Violations();
            UpstreamUris.check(v, "uri", uri);
            assertThat(v.list()).as(uri).isNotEmpty();
        }
        for (String uri : List.of("http://a", "https://a.example.com:8443", "lb://sample-order-service", "ws://a:81", "wss://a")) {
            Violations v = new Violations();
            UpstreamUris.check(v, "uri", uri);
            assertThat(v.list()).as(uri).isEmpty();
        }
    }

    @Test
    void duplicateIdsAreRejected() {
        RouteDocument one = MODEL.read("{\"id\":\"same\",\"uri\":\"http://a\",\"match\":{\"path\":\"/a\"}}");
        Violations v = new Violations();
        RouteValidator.validate(MODEL, List.of(one, one), v);
        assertThat(v.list()).containsExactly(new RouteViolation("[1].id", "is used by another route"));
    }

    @Test
    void theHighestPrecedenceSourceDefinesTheWholeList() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addLast(new MapPropertySource("low", Map.of(
                "sluice.gateway.routes[0].id", "low-0", "sluice.gateway.routes[0].uri", "http://a",
                "sluice.gateway.routes[0].match.path", "/a",
                "sluice.gateway.routes[1].id", "low-1", "sluice.gateway.routes[1].uri", "http://a",
                "sluice.gateway.routes[1].match.path", "/b")));
        env.getPropertySources().addFirst(new MapPropertySource("high", Map.of(
                "sluice.gateway.routes[0].id", "high-0", "sluice.gateway.routes[0].uri", "http://a",
                "sluice.gateway.routes[0].match.path", "/a")));
        assertThat(EnvironmentRoutes.read(env, MODEL)).extracting(RouteDocument::id).containsExactly("high-0");
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return env;
    }
}
