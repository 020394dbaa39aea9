package dev.sluice.local;

import dev.sluice.test.process.Await;
import dev.sluice.test.seata.SeataCluster;
import dev.sluice.test.seata.SeataServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

import static dev.sluice.local.OrderScenarios.sku;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order flow on a coordinator with no single point of failure ({@code --tc-nodes=3}): three TCs as a Raft
 * group, the services following its leader through Seata's Raft registry. The leader is killed under a load of
 * orders; the flow's invariants must hold as they do across a lone TC's restart ({@link OrderFlowTest}), without
 * waiting for the dead TC to come back.
 */
class CoordinatorClusterTest {

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension("coordinator-cluster-test", "--tc-nodes=3");

    @Test
    void ordersContinueAfterTheLeaderIsKilledAndTheKilledMemberRejoins() throws Exception {
        SeataCluster cluster = ((SeataClusterComponent) STACK.stack().component("seata-tc")).cluster();
        String sku = sku("leader-killed");
        STACK.api().stock(sku, 1_000);
        // When each order was accepted (201), in nanoseconds: the pause is the gap around the kill.
        ConcurrentSkipListSet<Long> accepted = new ConcurrentSkipListSet<>();
        AtomicLong killedAt = new AtomicLong();
        SeataServer[] killed = new SeataServer[1];
        Map<String, Integer> answered = STACK.scenarios().placeWhile(sku, 8, (status, at) -> {
            if (status == 201) {
                accepted.add(at);
            }
        }, () -> {
            Await.until("orders to be accepted", Duration.ofSeconds(30), () -> accepted.size() >= 20);
            killed[0] = cluster.leader();
            killedAt.set(System.nanoTime());
            killed[0].kill();
            // No wait for the dead TC: the others elect a leader, and the services follow it.
            Await.until("an order accepted after the leader was killed", Duration.ofSeconds(60),
                    () -> accepted.ceiling(killedAt.get()) != null);
            Thread.sleep(3_000);
            return null;
        });

        long lastBefore = accepted.floor(killedAt.get());
        long firstAfter = accepted.ceiling(killedAt.get());
        long afterKill = accepted.tailSet(killedAt.get()).size();
        System.out.printf("coordinator failover: leader %s killed; no order accepted for %d ms (last before the kill "
                + "%d ms before it, first after %d ms after it); %d accepted before, %d after%n", killed[0],
                (firstAfter - lastBefore) / 1_000_000, (killedAt.get() - lastBefore) / 1_000_000,
                (firstAfter - killedAt.get()) / 1_000_000, accepted.size() - afterKill, afterKill);
        assertThat(afterKill).isPositive();

        // Every order a client heard of ends terminal and as it was told; nothing oversold or left reserved.
        STACK.scenarios().assertSettled(sku, Duration.ofSeconds(120));
        Api.Answer item = STACK.api().item(sku);
        assertThat(item.number("available") + item.number("reserved") + item.number("sold")).isEqualTo(1_000);
        assertThat(item.number("sold")).isEqualTo(STACK.api().stats(sku).number("confirmedQuantity"));
        STACK.scenarios().assertAnswersHeld(answered);

        // The killed member starts again on its own Raft log and rejoins as a follower of the new leader.
        SeataServer elected = cluster.leader();
        killed[0].start();
        Await.until(killed[0] + " to rejoin", Duration.ofSeconds(60),
                () -> cluster.currentLeader().isPresent());
        assertThat(cluster.currentLeader()).contains(elected);
        STACK.scenarios().placeTheLastUnitTwice(sku("after-rejoin"));
    }
}
