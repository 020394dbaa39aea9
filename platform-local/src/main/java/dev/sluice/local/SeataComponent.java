package dev.sluice.local;

import dev.sluice.test.seata.SeataServer;

import java.util.List;

/** The Seata TC in its own JVM, its file store in a temporary folder deleted on stop. */
final class SeataComponent implements CoordinatorComponent {

    private final SeataServer.Builder builder;
    private SeataServer server;

    SeataComponent(StackConfig config) {
        this.builder = SeataServer.builder().port(config.seataPort()).consolePort(config.seataConsolePort())
                .logDir(config.logDir()).javaHome(config.javaHome());
    }

    @Override
    public String name() {
        return "seata-tc";
    }

    @Override
    public void start() {
        server = builder.start();
    }

    @Override
    public void kill() {
        server.kill();
    }

    /** Starts the TC again on the same store, after {@link #stop()} or {@link #kill()}. */
    void restart() {
        server.start();
    }

    /** Stops the TC and deletes its store: the end of the stack. */
    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    String address() {
        return server.address();
    }

    @Override
    public String serviceArgument() {
        return "--sluice.tcc.tc-addresses=" + address();
    }

    @Override
    public String url() {
        return "tcp://" + server.address();
    }

    @Override
    public String log() {
        return server.log().toString();
    }

    @Override
    public List<Long> pids() {
        return server.pid().stream().boxed().toList();
    }
}
