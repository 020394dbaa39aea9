package dev.sluice.test.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports: finding free ones, and telling whether something listens. A port handed out once is never handed
 * out again in this JVM: a stack's ports are all chosen before any of its servers binds, and the kernel may give the
 * same ephemeral port to two probes in a row (CI saw the gateway and H2 both given 46863).
 */
public final class Ports {

    public static final String LOOPBACK = "127.0.0.1";

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** A port that was free a moment ago, and that this JVM has not handed out before. */
    public static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                port = socket.getLocalPort();
            }
            catch (IOException e) {
                throw new IllegalStateException("No free loopback port", e);
            }
            if (claim(List.of(port))) {
                return port;
            }
        }
        throw new IllegalStateException("No loopback port that was not handed out already");
    }

    /**
     * The first of {@code count} consecutive free ports such that each port plus each of {@code offsets} is free too
     * (a Redis Cluster node needs its port plus 10000 for the cluster bus). Chosen at random, with the offset ports
     * too below Linux's ephemeral range (32768 up): an outgoing connection could otherwise take one of them between
     * the check and the server's bind.
     */
    public static int freeBlock(int count, int... offsets) {
        int highest = java.util.Arrays.stream(offsets).max().orElse(0);
        int end = Math.min(30_000, 32_768 - highest) - count;
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, end);
            List<Integer> block = new ArrayList<>();
            for (int port = first; port < first + count; port++) {
                block.add(port);
                for (int offset : offsets) {
                    if (offset != 0) {
                        block.add(port + offset);
                    }
                }
            }
            if (block.stream().allMatch(port -> !HANDED_OUT.contains(port) && isFree(port)) && claim(block)) {
                return first;
            }
        }
        throw new IllegalStateException("No block of " + count + " free loopback ports");
    }

    /** Claims every port of {@code block}, or none if another thread claimed one of them first. */
    private static synchronized boolean claim(List<Integer> block) {
        if (block.stream().anyMatch(HANDED_OUT::contains)) {
            return false;
        }
        HANDED_OUT.addAll(block);
        return true;
    }

    /**
     * Whether a server could listen on {@code port} now. Binds as servers do, with SO_REUSEADDR, so connections of a
     * stopped server lingering in TIME_WAIT do not count; a live listener still does.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
