package bench.stock;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import java.util.Map;

/**
 * The floor under any gateway built on Reactor Netty: a proxy of one route with no Spring at all, a Reactor Netty
 * server passing each request to a pooled Reactor Netty client and streaming the answer back, hop-by-hop headers
 * dropped both ways. Spring WebFlux and Spring Cloud Gateway add their layers on top of exactly this, so what it
 * costs per request is what no configuration of them can go below.
 *   java -cp stock-gateway.jar -Dloader.main=bench.stock.NettyProxy \
 *     org.springframework.boot.loader.launch.PropertiesLauncher PORT BACKEND_PORT
 */
public final class NettyProxy {

    private static final java.util.Set<String> HOP_BY_HOP = java.util.Set.of("connection", "keep-alive",
            "transfer-encoding", "te", "trailer", "proxy-authorization", "proxy-authenticate", "upgrade", "host");

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String backend = "http://127.0.0.1:" + Integer.parseInt(args[1]);
        HttpClient client = HttpClient.create(ConnectionProvider.builder("bench").maxConnections(500).build())
                .baseUrl(backend);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(port)
                .handle((request, response) -> client
                        .headers(headers -> copy(request.requestHeaders(), headers))
                        .request(request.method())
                        .uri(request.uri())
                        .send(request.receive().retain())
                        .response((upstream, body) -> {
                            response.status(upstream.status());
                            copy(upstream.responseHeaders(), response.responseHeaders());
                            return response.send(body.retain());
                        })
                        .then())
                .bindNow();
        System.out.println("netty proxy on port " + server.port() + " to " + backend);
        server.onDispose().block();
    }

    private static void copy(HttpHeaders from, HttpHeaders to) {
        for (Map.Entry<String, String> header : from) {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    private NettyProxy() {
    }
}
