package dev.sluice.test.seata;

import org.apache.seata.core.exception.TransactionException;
import org.apache.seata.core.model.GlobalStatus;
import org.apache.seata.tm.api.GlobalTransactionContext;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/** A real Seata client (TM and RM) in this JVM, for the fixture's own tests, and what it can ask the TC. */
final class SeataClient {

    private SeataClient() {
    }

    /** Starts a client of the {@code sluice-tx} group, mapped to the cluster {@code default}, with {@code registry}. */
    static ConfigurableApplicationContext start(String applicationId, String... registry) {
        List<String> properties = new ArrayList<>(List.of(
                "seata.application-id=" + applicationId,
                "seata.tx-service-group=sluice-tx",
                "seata.service.vgroup-mapping.sluice-tx=default",
                "seata.enable-auto-data-source-proxy=false",
                "seata.config.type=file"));
        properties.addAll(List.of(registry));
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new)).run();
    }

    /** Asks the TC (not the client's memory) for the status of {@code xid}. */
    static GlobalStatus statusOf(String xid) {
        try {
            return GlobalTransactionContext.reload(xid).getStatus();
        }
        catch (TransactionException e) {
            throw new IllegalStateException(e);
        }
    }

    @SpringBootApplication
    static class App {
    }
}
