package dev.sluice.tcc.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UP while at least one configured TC accepts connections: the lone TC's transaction port, or for a Raft group
 * of TCs, a member's console (the registry the client asks for the leader). It is part of the readiness group only: a service starts
 * without the TC and is simply not ready, and a TC outage never fails liveness.
 */
public class SeataTcHealthIndicator extends AbstractHealthIndicator {

    private static final int CONNECT_TIMEOUT_MILLIS = 500;

    private final List<String> addresses;

    public SeataTcHealthIndicator(List<String> addresses) {
        super("Seata TC health check failed");
        this.addresses = List.copyOf(addresses);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, String> reachability = new LinkedHashMap<>();
        boolean anyUp = false;
        for (String address : addresses) {
            boolean up = reachable(address);
            anyUp |= up;
            reachability.put(address, up ? "reachable" : "unreachable");
        }
        (anyUp ? builder.up() : builder.down()).withDetail("tc", reachability);
    }

    static boolean reachable(String address) {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))), CONNECT_TIMEOUT_MILLIS);
            return true;
        }
        catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
