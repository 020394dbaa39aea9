package dev.sluice.traffic.address;

import org.springframework.web.server.ServerWebExchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The client's IP address, for the gateway and for services alike. {@code X-Forwarded-For} is believed only when
 * the connection comes from a trusted proxy, and then only as far back as the proxies are trusted: the rightmost
 * untrusted hop is the client. Anything else would let a client pick its own rate-limit key.
 */
public final class ClientAddresses {

    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<Cidr> trustedProxies;

    public ClientAddresses(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
    }

    public String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return clientAddress(remote == null ? null : remote.getAddress(),
                () -> exchange.getRequest().getHeaders().getValuesAsList(FORWARDED_FOR));
    }

    /**
     * @param remote       the connection's peer, or null when unknown
     * @param forwardedFor the {@code X-Forwarded-For} values, read only when the peer is a trusted proxy
     */
    public String clientAddress(InetAddress remote, Supplier<List<String>> forwardedFor) {
        String peer = remote == null ? "unknown" : remote.getHostAddress();
        if (trustedProxies.isEmpty() || remote == null || !isTrusted(remote)) {
            return peer;
        }
        List<String> forwarded = forwardedFor.get();
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            String hop = forwarded.get(i).trim();
            InetAddress address = parseLiteral(hop);
            if (address == null) {
                return peer; // a malformed chain: trust nothing in it
            }
            if (!isTrusted(address)) {
                return address.getHostAddress();
            }
            peer = address.getHostAddress();
        }
        return peer;
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An IP literal, never a host name: no DNS lookups on the request path. */
    public static InetAddress parseLiteral(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        }
        catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address block such as {@code 10.0.0.0/8} or a single address. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String[] parts = text.trim().split("/", 2);
            InetAddress address = parseLiteral(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("Not an IP address or CIDR block: " + text);
            }
            int bits = address.getAddress().length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("Bad prefix length in " + text);
            }
            return new Cidr(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }
}
