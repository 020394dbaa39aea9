package dev.sluice.tcc.transaction;

import dev.sluice.test.seata.SeataServerExtension;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.seata.common.exception.FrameworkException;
import org.apache.seata.core.context.RootContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real TC: begin, commit, roll back on a business failure, and count each outcome. */
class GlobalTransactionsTest {

    @RegisterExtension
    static final SeataServerExtension TC = new SeataServerExtension();

    static ConfigurableApplicationContext app;
    static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    static GlobalTransactions transactions;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("spring.application.name=tcc-test", "sluice.tcc.tc-addresses=" + TC.server().address(),
                        "sluice.tcc.fence.enabled=false")
                .run();
        transactions = new GlobalTransactions(Duration.ofSeconds(30), METERS);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void commitsAndRecordsTheOutcome() {
        AtomicReference<String> xid = new AtomicReference<>();

        String result = transactions.execute("commit-test", () -> {
            xid.set(RootContext.getXID());
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(xid.get()).contains(":" + TC.server().port() + ":");
        assertThat(RootContext.getXID()).isNull();
        assertThat(METERS.timer(GlobalTransactions.METRIC, "name", "commit-test", "outcome", "committed").count()).isEqualTo(1);
        // Both round trips to the TC were timed, and took part of the whole.
        Timer begin = METERS.timer(CoordinatorCallTimer.METRIC, "name", "commit-test", "call", "begin");
        Timer commit = METERS.timer(CoordinatorCallTimer.METRIC, "name", "commit-test", "call", "commit");
        assertThat(begin.count()).isEqualTo(1);
        assertThat(commit.count()).isEqualTo(1);
        assertThat(begin.totalTime(TimeUnit.NANOSECONDS) + commit.totalTime(TimeUnit.NANOSECONDS))
                .isPositive()
                .isLessThanOrEqualTo(METERS.timer(GlobalTransactions.METRIC, "name", "commit-test", "outcome", "committed")
                        .totalTime(TimeUnit.NANOSECONDS));
        assertThat(METERS.find(CoordinatorCallTimer.METRIC).tag("name", "commit-test").tag("call", "rollback").timer()).isNull();
    }

    @Test
    void aBusinessFailureRollsBackAndIsRethrownUnchanged() {
        IllegalStateException failure = new IllegalStateException("out of stock");

        assertThatThrownBy(() -> transactions.execute("rollback-test", () -> {
            throw failure;
        })).isSameAs(failure);

        assertThat(RootContext.getXID()).isNull();
        assertThat(METERS.timer(GlobalTransactions.METRIC, "name", "rollback-test", "outcome", "rolled_back").count())
                .isEqualTo(1);
        assertThat(METERS.timer(CoordinatorCallTimer.METRIC, "name", "rollback-test", "call", "rollback").count()).isEqualTo(1);
    }

    @Test
    void aBranchTheTcDidNotRegisterRollsBackAsACoordinationFailure() {
        // What Seata's TCC interceptor throws from inside the business code when the branch registration fails (seen
        // when a TC leader died under load): rolled back, and reported as the coordination's failure, not a 500.
        FrameworkException unregistered = new FrameworkException("TCC branch Register error, xid: test");

        assertThatThrownBy(() -> transactions.execute("unregistered-branch-test", () -> {
            throw unregistered;
        })).isInstanceOf(GlobalTransactionException.class).hasCause(unregistered)
                .satisfies(e -> assertThat(((GlobalTransactionException) e).outcome())
                        .isEqualTo(GlobalTransactions.Outcome.ROLLED_BACK));
        assertThat(RootContext.getXID()).isNull();
    }

    @Test
    void withTheTcDownBeginFailsAsACoordinationFailure() {
        TC.server().stop();
        try {
            assertThatThrownBy(() -> transactions.execute("tc-down-test", () -> "never"))
                    .isInstanceOf(GlobalTransactionException.class)
                    .satisfies(e -> assertThat(((GlobalTransactionException) e).outcome())
                            .isEqualTo(GlobalTransactions.Outcome.FAILED));
        }
        finally {
            TC.server().start();
        }
    }

    @SpringBootApplication
    static class App {
    }
}
