package dev.sluice.test.seata;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Seata TC for one test class, started before the first test and stopped after the last, whatever the outcome:
 * <pre>{@code
 * @RegisterExtension
 * static final SeataServerExtension TC = new SeataServerExtension();
 * }</pre>
 */
public final class SeataServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final SeataServer.Builder builder;
    private SeataServer server;
    /** The class that started it: @Nested classes see the enclosing class's extension and must not start another. */
    private String owner;

    public SeataServerExtension() {
        this(SeataServer.builder());
    }

    public SeataServerExtension(SeataServer.Builder builder) {
        this.builder = builder;
    }

    public SeataServer server() {
        if (server == null) {
            throw new IllegalStateException("The TC starts in beforeAll; register the extension on a static field");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (server == null) {
            server = builder.start();
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null && context.getUniqueId().equals(owner)) {
            server.close();
            server = null;
        }
    }
}
