package dev.sluice.tcc.web;

import com.sun.net.httpserver.HttpServer;
import org.apache.seata.core.context.RootContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class XidPropagationTest {

    @AfterEach
    void unbind() {
        RootContext.unbind();
    }

    @Test
    void aRestClientFromTheBuilderSendsTheBoundXidAndNothingOtherwise() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("unset");
        HttpServer backend = recordingXidHeaderInto(seen);
        try {
            RestClient.Builder builder = RestClient.builder().baseUrl("http://127.0.0.1:" + backend.getAddress().getPort());
            RestClientCustomizer customizer = new XidPropagationAutoConfiguration.RestClientPropagation()
                    .sluiceXidRestClientCustomizer();
            customizer.customize(builder);
            RestClient client = builder.build();

            client.get().retrieve().toBodilessEntity();
            assertThat(seen.get()).isNull();

            RootContext.bind("127.0.0.1:8091:42");
            client.get().retrieve().toBodilessEntity();
            assertThat(seen.get()).isEqualTo("127.0.0.1:8091:42");
        }
        finally {
            backend.stop(0);
        }
    }

    @Test
    void aWebClientFromTheBuilderSendsTheXidBoundWhereTheRequestIsMade() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("unset");
        HttpServer backend = recordingXidHeaderInto(seen);
        try {
            WebClient.Builder builder = WebClient.builder().baseUrl("http://127.0.0.1:" + backend.getAddress().getPort());
            new XidPropagationAutoConfiguration.WebClientPropagation().sluiceXidWebClientCustomizer().customize(builder);
            WebClient client = builder.build();

            client.get().retrieve().toBodilessEntity().block();
            assertThat(seen.get()).isNull();

            RootContext.bind("127.0.0.1:8091:43");
            client.get().retrieve().toBodilessEntity().block();
            assertThat(seen.get()).isEqualTo("127.0.0.1:8091:43");
        }
        finally {
            backend.stop(0);
        }
    }

    /** A real HTTP backend that records the TX_XID header of the last request (null when absent). */
    private static HttpServer recordingXidHeaderInto(AtomicReference<String> seen) throws java.io.IOException {
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            seen.set(exchange.getRequestHeaders().getFirst(RootContext.KEY_XID));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        backend.start();
        return backend;
    }

    @Test
    void theServletFilterBindsTheXidAndTheMdcForTheRequestOnly() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/inventory/reservations");
        request.addHeader(RootContext.KEY_XID, "127.0.0.1:8091:7");
        AtomicReference<String> bound = new AtomicReference<>();
        AtomicReference<String> mdc = new AtomicReference<>();

        new XidServletFilter().doFilter(request, new MockHttpServletResponse(), new MockFilterChain(
                new jakarta.servlet.http.HttpServlet() {
                    @Override
                    protected void service(jakarta.servlet.http.HttpServletRequest req,
                            jakarta.servlet.http.HttpServletResponse res) {
                        bound.set(RootContext.getXID());
                        mdc.set(MDC.get("xid"));
                    }
                }));

        assertThat(bound.get()).isEqualTo("127.0.0.1:8091:7");
        assertThat(mdc.get()).isEqualTo("127.0.0.1:8091:7");
        assertThat(RootContext.getXID()).isNull();
        assertThat(MDC.get("xid")).isNull();
    }
}
