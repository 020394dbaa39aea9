package dev.sluice.gateway.stream;

import dev.sluice.gateway.support.InProcessGateway;
import com.nimbusds.jose.jwk.ECKey;
import dev.sluice.gateway.auth.TestTokens;
import dev.sluice.gateway.route.BuiltInPolicies;
import dev.sluice.gateway.route.RouteModel;
import dev.sluice.gateway.route.RouteValidator;
import dev.sluice.gateway.route.RouteViolation;
import dev.sluice.gateway.route.Violations;
import dev.sluice.test.redis.RedisCluster;
import dev.sluice.test.redis.RedisClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket sessions and server-sent events through a real gateway, onto a real Reactor Netty backend (a WebSocket
 * echo and an event stream), with the real Redis Cluster behind the handshake's rate limit. Each test has its own
 * route.
 */
class StreamingTest {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension(RedisCluster.builder());

    static final ECKey KEY = TestTokens.ecKey();
    static DisposableServer backend;
    static InProcessGateway gateway;
    static int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        backend = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes
                .ws("/ws/echo", (in, out) -> out.sendString(in.receive().asString().map(text -> "echo " + text)))
                .get("/sse/events", (request, response) -> response
                        .header("Content-Type", "text/event-stream")
                        .sendString(Flux.interval(Duration.ofSeconds(1)).take(60)
                                .map(i -> "id: " + i + "\ndata: " + System.currentTimeMillis() + "\n\n"))))
                .bindNow();
        String ws = "ws://127.0.0.1:" + backend.port();
        List<String> args = new ArrayList<>(List.of("--sluice.gateway.store.enabled=false",
                "--spring.data.redis.cluster.nodes=" + REDIS.cluster().nodeAddresses()));
        wsRoute(args, 0, "ws-auth", ws, "--sluice.gateway.routes[0].auth.jwt.publicKeys[0]=" + TestTokens.pem(KEY));
        wsRoute(args, 1, "ws-capped", ws, "--sluice.gateway.routes[1].stream.maxConnections=2");
        wsRoute(args, 2, "ws-idle", ws, "--sluice.gateway.routes[2].stream.idleTimeout=2s");
        wsRoute(args, 3, "ws-limited", ws, "--sluice.gateway.routes[3].rateLimit.rate=2",
                "--sluice.gateway.routes[3].rateLimit.period=60s", "--sluice.gateway.routes[3].rateLimit.key=route");
        // An http:// upstream: Spring Cloud Gateway turns an upgrade into ws:// itself, and so for lb:// once the
        // load balancer has picked an http:// instance.
        wsRoute(args, 4, "ws-over-http", "http://127.0.0.1:" + backend.port());
        wsRoute(args, 6, "ws-over-lb", "lb://echo-service");
        args.add("--spring.cloud.discovery.client.simple.instances.echo-service[0].uri=http://127.0.0.1:" + backend.port());
        args.addAll(List.of("--sluice.gateway.routes[5].id=sse", "--sluice.gateway.routes[5].uri=http://127.0.0.1:" + backend.port(),
                "--sluice.gateway.routes[5].match.path=/sse/**", "--sluice.gateway.routes[5].timeout=2s",
                "--sluice.gateway.routes[5].stream.idleTimeout=10s"));
        gateway = InProcessGateway.start(args);
        port = gateway.port();
    }

    /** A route from /{id}/echo to the backend's /ws/echo. */
    private static void wsRoute(List<String> args, int i, String id, String uri, String... more) {
        String at = "--sluice.gateway.routes[" + i + "].";
        args.addAll(List.of(at + "id=" + id, at + "uri=" + uri, at + "match.path=/" + id + "/**",
                at + "transform.request.path=/ws/echo"));
        args.addAll(List.of(more));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.disposeNow();
        }
    }

    @Test
    void aWebSocketSessionEchoesThroughTheGatewayOnlyWithAValidTokenToWsHttpAndLbUpstreams() throws Exception {
        assertThat(handshakeStatus("/ws-auth/echo", null)).isEqualTo(401);
        assertThat(handshakeStatus("/ws-auth/echo", "not-a-token")).isEqualTo(401);
        Session session = open("/ws-auth/echo", TestTokens.token(KEY, "alice"));
        assertThat(session.say("hello")).isEqualTo("echo hello");
        assertThat(session.say("again")).isEqualTo("echo again");
        session.close();

        Session overHttp = open("/ws-over-http/echo", null);
        assertThat(overHttp.say("plain")).isEqualTo("echo plain");
        overHttp.close();

        Session overLb = open("/ws-over-lb/echo", null);
        assertThat(overLb.say("balanced")).isEqualTo("echo balanced");
        overLb.close();
    }

    @Test
    void theRoutesCapOnOpenSessionsRefusesOneMoreAndFreesItsPlaceWhenOneCloses() throws Exception {
        Session first = open("/ws-capped/echo", null);
        Session second = open("/ws-capped/echo", null);
        assertThat(first.say("1")).isEqualTo("echo 1");
        assertThat(handshakeStatus("/ws-capped/echo", null)).isEqualTo(503);
        first.close();
        Thread.sleep(500);
        Session third = open("/ws-capped/echo", null);
        assertThat(third.say("3")).isEqualTo("echo 3");
        assertThat(second.say("2")).isEqualTo("echo 2");
        second.close();
        third.close();
    }

    @Test
    void anIdleSessionIsClosedByTheGatewayAndABusyOneIsNot() throws Exception {
        Session busy = open("/ws-idle/echo", null);
        for (int i = 0; i < 6; i++) { // 3 s of traffic every 500 ms, past the 2 s idle timeout
            assertThat(busy.say("tick " + i)).isEqualTo("echo tick " + i);
            Thread.sleep(500);
        }
        Session idle = open("/ws-idle/echo", null);
        assertThat(idle.say("once")).isEqualTo("echo once");
        assertThat(idle.closed.get(6, TimeUnit.SECONDS)).isTrue();
        busy.close();
    }

    @Test
    void theRateLimitCountsHandshakes() throws Exception {
        Session one = open("/ws-limited/echo", null);
        Session two = open("/ws-limited/echo", null);
        assertThat(handshakeStatus("/ws-limited/echo", null)).isEqualTo(429);
        one.close();
        two.close();
    }

    /**
     * A stream of 60 events, one a second, through a route whose timeout is 2 s: the timeout bounds the first byte,
     * not the stream, and each event arrives when it was sent, not buffered.
     */
    @Test
    void aMinuteOfServerSentEventsPassesThroughAsTheyAreSent() throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/sse/events")).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<Long> delays = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            lines.filter(line -> line.startsWith("data: "))
                    .forEach(line -> delays.add(System.currentTimeMillis() - Long.parseLong(line.substring(6))));
        }
        assertThat(delays).hasSize(60);
        assertThat(delays).as("ms from sent to received, per event").allMatch(d -> d < 500);
    }

    @Test
    void cacheAndBodyValidationAreRefusedOnStreamingRoutes() {
        RouteModel model = BuiltInPolicies.model();
        Violations v = new Violations();
        RouteValidator.validate(model, model.readList(List.of(
                Map.of("id", "a", "uri", "http://h", "match", Map.of("path", "/a/**"),
                        "stream", Map.of(), "cache", Map.of("ttl", "1s")),
                Map.of("id", "b", "uri", "ws://h", "match", Map.of("path", "/b/**"),
                        "validate", Map.of("maxBodySize", "1KB")),
                Map.of("id", "c", "uri", "http://h", "match", Map.of("path", "/c/**"), "cache", Map.of("ttl", "1s"))),
                "routes"), v.at("routes"));
        assertThat(v.list()).containsExactlyInAnyOrder(
                new RouteViolation("routes[0].cache", "cannot be used on a streaming route (stream, or a ws:// upstream)"),
                new RouteViolation("routes[1].validate", "cannot be used on a streaming route (stream, or a ws:// upstream)"));
    }

    /** The handshake's answer: 101 when a session opened (it is closed again), else the refusal's status. */
    private int handshakeStatus(String path, String token) {
        try {
            open(path, token).close();
            return 101;
        }
        catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private Session open(String path, String token) {
        Session session = new Session();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        session.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), session).join();
        return session;
    }

    /** One client session: what it receives, and whether the other side closed it. */
    static final class Session implements WebSocket.Listener {
        final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Boolean> closed = new CompletableFuture<>();
        WebSocket socket;

        String say(String text) throws Exception {
            socket.sendText(text, true).get(3, TimeUnit.SECONDS);
            return received.poll(3, TimeUnit.SECONDS);
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            received.add(data.toString());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(true);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(true);
        }
    }
}
