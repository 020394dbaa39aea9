package dev.sluice.test.seata;

import org.apache.seata.core.context.RootContext;
import org.apache.seata.core.model.GlobalStatus;
import org.apache.seata.tm.api.GlobalTransaction;
import org.apache.seata.tm.api.GlobalTransactionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;

import dev.sluice.test.process.Await;

import static dev.sluice.test.seata.SeataClient.statusOf;
import static org.assertj.core.api.Assertions.assertThat;

/** A real TC, a real Seata client (TM) registering with it, and a TC restart on the same store. */
class SeataServerTest {

    @RegisterExtension
    static final SeataServerExtension TC = new SeataServerExtension();

    static ConfigurableApplicationContext client;

    @BeforeAll
    static void startClient() {
        client = SeataClient.start("spine-test", "seata.registry.type=file",
                "seata.service.grouplist.default=" + TC.server().address());
    }

    @AfterAll
    static void stopClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void clientRegistersWithTheTcAndCommitsAGlobalTransaction() throws Exception {
        GlobalTransaction tx = GlobalTransactionContext.getCurrentOrCreate();
        tx.begin(30_000, "spine-commit");
        try {
            // The XID names the TC that issued it: <ip>:<port>:<transaction id>. The TC 2.0.0 writes the
            // host's primary address there even when started with -h 127.0.0.1 (it rejects loopback for XIDs).
            assertThat(tx.getXid()).matches("[0-9.]+:" + TC.server().port() + ":\\d+");
            assertThat(statusOf(tx.getXid())).isEqualTo(GlobalStatus.Begin);
            tx.commit();
        }
        finally {
            RootContext.unbind();
        }
        // With no branches the TC commits asynchronously, then forgets the session.
        Await.until("the commit to finish", Duration.ofSeconds(10),
                () -> DONE_COMMITTING.contains(statusOf(tx.getXid())));
    }

    @Test
    void theTcRestartsOnTheSameStoreAndTheClientReconnects() throws Exception {
        GlobalTransaction open = GlobalTransactionContext.getCurrentOrCreate();
        open.begin(120_000, "spine-across-restart");
        String xid = open.getXid();
        RootContext.unbind();

        TC.server().stop();
        assertThat(TC.server().isRunning()).isFalse();
        TC.server().start();

        // The client reconnects, and the session begun before the restart is still in the TC's file store.
        Await.until("the client to reconnect and find " + xid, Duration.ofSeconds(60),
                () -> statusOf(xid) == GlobalStatus.Begin);
        GlobalTransaction reloaded = GlobalTransactionContext.reload(xid);
        reloaded.rollback();
        assertThat(statusOf(xid)).isIn(GlobalStatus.Rollbacked, GlobalStatus.Finished);
    }

    private static final java.util.Set<GlobalStatus> DONE_COMMITTING = java.util.EnumSet.of(GlobalStatus.Committed,
            GlobalStatus.Finished);
}
