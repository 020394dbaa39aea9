package dev.sluice.test.seata;

import dev.sluice.test.process.Await;
import org.apache.seata.core.context.RootContext;
import org.apache.seata.core.exception.TransactionException;
import org.apache.seata.core.model.GlobalStatus;
import org.apache.seata.tm.api.GlobalTransaction;
import org.apache.seata.tm.api.GlobalTransactionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import static dev.sluice.test.seata.SeataClient.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real TCs as a Raft group, and a real Seata client (TM) that finds the leader through Seata's Raft registry.
 * Each test leaves the group whole again (every member running and agreeing on one leader), whatever it broke.
 */
class SeataClusterTest {

    private static final Set<GlobalStatus> COMMITTED = EnumSet.of(GlobalStatus.Committed, GlobalStatus.Finished);
    private static final Set<GlobalStatus> ROLLED_BACK = EnumSet.of(GlobalStatus.Rollbacked, GlobalStatus.Finished);

    static SeataCluster cluster;
    static ConfigurableApplicationContext client;

    @BeforeAll
    static void startGroupAndClient() {
        cluster = SeataCluster.start(3);
        client = SeataClient.start("raft-test", "seata.registry.type=raft",
                "seata.registry.raft.server-addr=" + String.join(",", cluster.metadataAddresses()));
        System.out.println("started " + cluster + ", leader " + cluster.leader());
        // The client registers with the leader in the background once it has asked a member for it.
        Await.until("the client to commit through the group", Duration.ofSeconds(60), () -> tryCommitOne("warm-up"));
    }

    @AfterAll
    static void stopClientAndGroup() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void makeTheGroupWholeAgain() {
        for (SeataServer member : cluster.members()) {
            if (!member.isRunning()) {
                member.start();
            }
            cluster.resume(member);
        }
        cluster.leader(Duration.ofSeconds(60));
    }

    @Test
    void theClientCommitsThroughTheLeaderWhoseAddressTheXidCarries() throws Exception {
        SeataServer leader = cluster.leader();
        String xid = commitOne("raft-commit");
        assertThat(xid).contains(":" + leader.port() + ":");
    }

    @Test
    void aKilledLeaderIsReplacedTheTransactionItLeftOpenIsRolledBackAndItRejoinsWhenRestarted() throws Exception {
        GlobalTransaction open = GlobalTransactionContext.getCurrentOrCreate();
        open.begin(120_000, "raft-across-failover");
        String xid = open.getXid();
        RootContext.unbind();

        SeataServer old = cluster.leader();
        old.kill();
        SeataServer elected = cluster.leader(Duration.ofSeconds(30));
        assertThat(elected).isNotSameAs(old);

        // The client follows the new leader, and new transactions commit. A transaction still open at the kill is
        // never committed: Seata's Raft TC rolls back every one it finds open when it takes over (then forgets it,
        // and a TC answers Finished for a transaction it does not hold). The order-flow test on the stack shows the
        // rollback reaching the branches: no stock stays reserved.
        Await.until("a commit through the new leader", Duration.ofSeconds(60), () -> tryCommitOne("raft-after-kill"));
        Await.until(xid + " to be rolled back", Duration.ofSeconds(30),
                () -> ROLLED_BACK.contains(statusOf(xid)));
        GlobalStatus afterCommitAttempt;
        try {
            GlobalTransaction late = GlobalTransactionContext.reload(xid);
            late.commit();
            afterCommitAttempt = late.getStatus();
        }
        catch (TransactionException e) {
            afterCommitAttempt = statusOf(xid);
        }
        assertThat(afterCommitAttempt).isNotIn(GlobalStatus.Committed, GlobalStatus.Committing);

        // The killed member starts again on its own log and rejoins as a follower.
        old.start();
        Await.until(old + " to rejoin", Duration.ofSeconds(60),
                () -> cluster.currentLeader().filter(leader -> leader != old).isPresent());
        assertThat(cluster.currentLeader()).contains(elected);
    }

    @Test
    void aPausedFollowerStopsNothing() throws Exception {
        SeataServer follower = cluster.followers().get(0);
        cluster.pause(follower);
        for (int i = 0; i < 5; i++) {
            commitOne("raft-follower-paused-" + i);
        }
        cluster.resume(follower);
    }

    /** Begins and commits a transaction with no branches, then waits for the TC to finish it. */
    private static String commitOne(String name) throws TransactionException {
        GlobalTransaction tx = GlobalTransactionContext.getCurrentOrCreate();
        tx.begin(30_000, name);
        try {
            tx.commit();
        }
        finally {
            RootContext.unbind();
        }
        String xid = tx.getXid();
        Await.until("the commit of " + xid, Duration.ofSeconds(10), () -> COMMITTED.contains(statusOf(xid)));
        return xid;
    }

    private static boolean tryCommitOne(String name) {
        try {
            commitOne(name);
            return true;
        }
        catch (TransactionException | RuntimeException e) {
            return false;
        }
    }
}
