package dev.sluice.test.seata;

import dev.sluice.test.process.Await;
import dev.sluice.test.process.ManagedProcess;
import dev.sluice.test.process.Ports;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Real Seata TCs ({@code io.seata:seata-server:2.0.0}) as one Raft group: the coordinator with no single point of
 * failure. Clients find the leader through Seata's Raft registry, which asks any member's console
 * ({@code /metadata/v1/cluster}); {@link #metadataAddresses()} is what they are given.
 *
 * <p>Faults to inject: {@link SeataServer#kill()} a member (the leader, found by {@link #leader()}), {@link #pause}
 * one (SIGSTOP: alive, connections open, silent), {@link #resume} it, and {@link SeataServer#start()} a killed
 * member again on its own Raft log, to see it rejoin.
 *
 * <p>Seata 2.0.0 names a Raft member by the address it is started with, and refuses 127.0.0.1 (and 0.0.0.0) there.
 * Linux routes all of 127.0.0.0/8 to loopback, so the members are named 127.0.0.2 and their consoles listen there,
 * off the network: the {@code /metadata/v1} endpoints (one of which changes the group's peers) answer anyone who
 * reaches them. Where 127.0.0.2 is not a local address (macOS, by default), the first site-local IPv4 address is
 * used instead. The transaction and Raft ports listen on every interface whatever the name: neither Seata's RPC
 * server nor its Raft library's binds an address.
 */
public final class SeataCluster implements AutoCloseable {

    /**
     * Where Seata 2.0.0 expects a member's ports, from its console port: the transaction port 1000 above it and the
     * Raft port 2000 above. The group reports each follower to clients by its Raft port less those offsets, so
     * members started otherwise are reported at ports they do not listen on.
     */
    public static final int TRANSACTION_PORT_OFFSET = 1000;
    public static final int RAFT_PORT_OFFSET = 2000;

    private static final String SECOND_LOOPBACK = "127.0.0.2";

    private final String host;
    private final List<SeataServer> members;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private SeataCluster(String host, List<SeataServer> members) {
        this.host = host;
        this.members = List.copyOf(members);
    }

    /**
     * Starts {@code size} members, member {@code n} (from 1) with its console on {@code firstConsolePort + n - 1}
     * and the other two ports at Seata's offsets from it, each further configured by {@code each} (folders, logs,
     * JVM), and waits until they have elected a leader.
     */
    public static SeataCluster start(int size, int firstConsolePort, MemberSettings each) {
        String host = memberAddress().orElseThrow(() -> new IllegalStateException("A Seata Raft group needs an "
                + "address other than 127.0.0.1 to name its members: neither 127.0.0.2 nor a site-local IPv4 address "
                + "is local here"));
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            peers.add(host + ":" + (firstConsolePort + i + RAFT_PORT_OFFSET));
        }
        List<SeataServer> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int console = firstConsolePort + i;
            SeataServer.Builder builder = SeataServer.builder().consolePort(console)
                    .port(console + TRANSACTION_PORT_OFFSET)
                    .raft(new SeataServer.Raft(host, console + RAFT_PORT_OFFSET, peers, i + 1, Duration.ofSeconds(1)));
            members.add(each.apply(i + 1, builder).build());
        }
        SeataCluster cluster = new SeataCluster(host, members);
        try {
            // In parallel: a member waits for the others before its group can elect, and each JVM starts slowly.
            CompletableFuture.allOf(members.stream().map(member -> CompletableFuture.runAsync(member::start))
                    .toArray(CompletableFuture[]::new)).join();
            cluster.leader();
            return cluster;
        }
        catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts {@code size} members on free ports with the defaults of {@link SeataServer.Builder}. */
    public static SeataCluster start(int size) {
        return start(size, freeConsolePorts(size), (node, builder) -> builder);
    }

    /** The first of {@code size} console ports such that every member's three ports are free. */
    public static int freeConsolePorts(int size) {
        return Ports.freeBlock(size, TRANSACTION_PORT_OFFSET, RAFT_PORT_OFFSET);
    }

    public List<SeataServer> members() {
        return members;
    }

    /** The members' console addresses, {@code host:port}: what a client's Raft registry starts from. */
    public List<String> metadataAddresses() {
        return members.stream().map(member -> host + ":" + member.consolePort()).toList();
    }

    /** The current leader, once the live members have one (waits up to 30 s). */
    public SeataServer leader() {
        return leader(Duration.ofSeconds(30));
    }

    /** The current leader as the live members report it, waiting up to {@code within} for there to be one. */
    public SeataServer leader(Duration within) {
        SeataServer[] found = new SeataServer[1];
        Await.until("a leader among " + this, within, () -> {
            found[0] = currentLeader().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** The members other than the leader. */
    public List<SeataServer> followers() {
        SeataServer leader = leader();
        return members.stream().filter(member -> member != leader).toList();
    }

    /**
     * The leader every live, answering member names, if they agree on one; empty during an election or while
     * members disagree.
     */
    public Optional<SeataServer> currentLeader() {
        SeataServer agreed = null;
        for (SeataServer member : members) {
            if (!member.isRunning()) {
                continue;
            }
            Optional<Integer> leaderPort = askLeader(member);
            if (leaderPort.isEmpty()) {
                return Optional.empty();
            }
            SeataServer named = members.stream().filter(m -> m.port() == leaderPort.get()).findFirst().orElse(null);
            if (named == null || !named.isRunning() || (agreed != null && agreed != named)) {
                return Optional.empty();
            }
            agreed = named;
        }
        return Optional.ofNullable(agreed);
    }

    /** SIGSTOP: the member stays alive with its connections open, and answers nothing until {@link #resume}. */
    public void pause(SeataServer member) {
        signal(member, "STOP");
    }

    public void resume(SeataServer member) {
        signal(member, "CONT");
    }

    /** The transaction port of the leader that {@code member} names, empty if it names none or cannot answer. */
    private Optional<Integer> askLeader(SeataServer member) {
        String body;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + member.consolePort()
                    + RaftMetadata.PATH)).timeout(Duration.ofSeconds(2)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            body = response.body();
        }
        catch (IOException e) {
            return Optional.empty();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return RaftMetadata.leader(body).map(RaftMetadata.Address::port);
    }

    private static void signal(SeataServer member, String signal) {
        long pid = member.pid().orElseThrow(() -> new IllegalStateException(member + " is not running"));
        if (!ManagedProcess.signal(pid, signal)) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed (" + member + ")");
        }
    }

    /** The address Raft members are named by: 127.0.0.2 where it is local, else the first site-local address. */
    static Optional<String> memberAddress() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName(SECOND_LOOPBACK))) {
            return Optional.of(SECOND_LOOPBACK);
        }
        catch (IOException e) {
            return siteLocalAddress();
        }
    }

    private static Optional<String> siteLocalAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
                        return Optional.of(address.getHostAddress());
                    }
                }
            }
            return Optional.empty();
        }
        catch (SocketException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops every member, side by side: a member that has lost its group's majority can take its whole grace period
     * to stop, and one after another those periods add up.
     */
    @Override
    public void close() {
        CompletableFuture.allOf(members.stream().map(member -> CompletableFuture.runAsync(() -> {
            try {
                if (member.isRunning()) {
                    resume(member); // a paused JVM cannot act on SIGTERM
                }
            }
            catch (RuntimeException ignored) {
                // already gone
            }
            member.close();
        })).toArray(CompletableFuture[]::new)).join();
    }

    @Override
    public String toString() {
        return "Seata Raft group " + members;
    }

    /** Settings for one member beyond its Raft membership: ports, folders, JVM options. */
    @FunctionalInterface
    public interface MemberSettings {

        SeataServer.Builder apply(int node, SeataServer.Builder builder);
    }
}
