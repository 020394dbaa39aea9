package dev.sluice.traffic.address;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** X-Forwarded-For is believed only from trusted proxies, and only back to the first untrusted hop. */
class ClientAddressesTest {

    final ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8", "192.168.1.7"));

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertThat(client("203.0.113.9", "1.2.3.4")).isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedProxyIsBelievedBackToTheFirstUntrustedHop() {
        assertThat(client("10.1.2.3", "1.2.3.4, 198.51.100.2, 10.4.4.4")).isEqualTo("198.51.100.2");
        assertThat(client("192.168.1.7", "198.51.100.3")).isEqualTo("198.51.100.3");
    }

    @Test
    void aMalformedChainIsNotBelieved() {
        assertThat(client("10.1.2.3", "evil.example.com")).isEqualTo("10.1.2.3");
        assertThat(client("10.1.2.3", "")).isEqualTo("10.1.2.3");
    }

    @Test
    void noTrustedProxiesMeansTheForwardedHeaderIsIgnored() {
        ClientAddresses none = new ClientAddresses(List.of());
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/")
                .remoteAddress(new InetSocketAddress("10.0.0.1", 5000)).header("X-Forwarded-For", "1.1.1.1"));
        assertThat(none.clientAddress(exchange)).isEqualTo("10.0.0.1");
    }

    private String client(String peer, String forwardedFor) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/")
                .remoteAddress(new InetSocketAddress(peer, 5000)).header("X-Forwarded-For", forwardedFor));
        return addresses.clientAddress(exchange);
    }
}
