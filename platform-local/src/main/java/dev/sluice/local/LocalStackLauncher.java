package dev.sluice.local;

import dev.sluice.test.process.ProcessReaper;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./run-local.sh} ends here: starts the {@link LocalStack}, prints where everything is, and stops it all on
 * Ctrl-C or SIGTERM.
 */
public final class LocalStackLauncher {

    private LocalStackLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream out = System.out;
        if (args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
            out.println(HELP);
            return;
        }
        if (java.util.Arrays.stream(args).filter(a -> !a.startsWith("--")).findFirst().filter("add"::equals).isPresent()) {
            int code = AddedInstance.run(args, System.getenv(), out, System.err);
            if (code != 0) {
                System.exit(code);
            }
            return;
        }
        StackConfig config;
        try {
            config = StackConfig.from(args, System.getenv()).withFreePortsForZeros();
        }
        catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        AdminToken adminToken = AdminToken.resolve(System.getenv(), config.runDir());
        LocalStack stack = new LocalStack(config, adminToken, out);
        CountDownLatch stopped = new CountDownLatch(1);
        // In the reaper's own shutdown hook, so that the stack stops in order before anything left is reaped.
        ProcessReaper.beforeReaping(() -> {
            out.println("\nstopping the local stack...");
            stack.close();
            out.println("stopped; logs are kept in " + config.logDir());
            stopped.countDown();
        });

        long began = System.nanoTime();
        try {
            stack.start();
        }
        catch (LocalStack.ComponentFailedException e) {
            System.err.println("\n" + e.getMessage());
            System.err.println("  its log: " + e.log());
            System.err.println("  stopping what was started.");
            System.exit(1);
        }
        StatusTable.print(out, stack.components(), (System.nanoTime() - began) / 1e9, config, adminToken);
        stopped.await();
    }

    private static final String HELP = """
            Starts the Sluice platform on loopback: Redis Cluster, Seata TC, the services and the gateway. The services
            are the root pom's modules with a local-stack.properties file (its port, its database).

            Settings (--name=value, or the environment variable SLUICE_NAME; 0 picks a free port):
              --redis-port=7000               first of the six Redis Cluster ports (each also uses port+10000)
              --seata-port=8091               Seata TC
              --seata-console-port=7091       Seata TC's HTTP console
              --tc-nodes=1                    how many TCs: 1 on its file store, or 3 (5, 7) as a Raft group
                                              with no single point of failure; member n takes the two ports
                                              above plus n-1, and Raft's on its console port + 2000
              --<name>-port=N                 a service's port instead of its local-stack.properties one: <name>
                                              is the module without sample- and -service, so
                                              --inventory-port=8102 for sample-inventory-service
              --gateway-port=8080             gateway traffic
              --gateway-management-port=8081  gateway health, metrics and the Admin API (/admin/v1)
              --jvm-options="-Xmx384m ..."    options for every service JVM, by default -Xms64m -Xmx384m
                                              -XX:+UseSerialGC -XX:TieredStopAtLevel=1 (C1 only: faster starts)
              --gateway-jvm-options="..."     options for the gateway's JVM, by default -XX:+UseParallelGC
                                              -Xms512m -Xmx512m (all JIT tiers: it serves every request)
              --database=h2                   the services' databases: h2 (files) or postgres (a local
                                              PostgreSQL server, the services' 'postgres' profile)
              --postgres-port=5432            PostgreSQL, with --database=postgres
              --h2-port=9099                  the H2 server of the services' databases, with --database=h2
              --root=.                        the repository checkout
              --run-dir=<root>/.local-stack   where the logs go
            The JDK is the one that runs this launcher: set JAVA_HOME to choose it.

            ./run-local.sh add SERVICE [--port=N], beside a running stack, starts one more instance of a service
            (a module name, such as sample-order-service; on a free port unless --port is given); it registers,
            and the gateway spreads requests over it. Ctrl-C stops that instance only.
            The Admin API's token is SLUICE_ADMIN_TOKEN when set; otherwise one is generated, printed, and kept in
            <run-dir>/admin-token.""";
}
