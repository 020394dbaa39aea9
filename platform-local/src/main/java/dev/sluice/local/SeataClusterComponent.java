package dev.sluice.local;

import dev.sluice.test.seata.SeataCluster;

import java.util.List;

/**
 * Seata TCs as a Raft group ({@code --tc-nodes=3}): the coordinator with no single point of failure. Member {@code n}
 * (from 1) takes the TC's console and transaction ports plus {@code n - 1}, and its Raft port 2000 above its console
 * (Seata's layout, see {@link SeataCluster}); each keeps its Raft log in a temporary folder deleted on stop. The
 * services find the leader through the members' consoles.
 */
final class SeataClusterComponent implements CoordinatorComponent {

    private final StackConfig config;
    private SeataCluster cluster;

    SeataClusterComponent(StackConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "seata-tc";
    }

    @Override
    public void start() {
        cluster = SeataCluster.start(config.tcNodes(), config.seataConsolePort(), (node, member) -> member
                .logDir(config.logDir()).logName("seata-tc-" + node + ".log").javaHome(config.javaHome()));
    }

    SeataCluster cluster() {
        return cluster;
    }

    @Override
    public String serviceArgument() {
        return "--sluice.tcc.raft.addresses=" + String.join(",", cluster.metadataAddresses());
    }

    /** SIGKILL of every member: the whole coordinator crashes. */
    @Override
    public void kill() {
        cluster.members().forEach(member -> member.kill());
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    public String url() {
        return "raft://" + String.join(",", cluster.metadataAddresses());
    }

    /** The members' logs, one file each, as a pattern: {@code seata-tc-1.log} for member 1. */
    @Override
    public String log() {
        return config.logDir().resolve("seata-tc-*.log").toAbsolutePath().toString();
    }

    @Override
    public List<Long> pids() {
        return cluster.members().stream().flatMap(member -> member.pid().stream().boxed()).toList();
    }
}
