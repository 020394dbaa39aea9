package dev.sluice.tcc.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * A service's part in Seata TCC transactions. These map onto Seata's own {@code seata.*} settings (see
 * {@link TccEnvironmentPostProcessor}); a {@code seata.*} property set explicitly still wins.
 *
 * @param enabled whether the service joins TCC transactions at all
 * @param tcAddresses the TC's {@code host:port} addresses (its transaction port), when it runs on its own
 * @param txServiceGroup the transaction service group, which Seata maps to the TC cluster
 * @param timeout how long a global transaction begun here may run before the TC rolls it back
 * @param coordinatorCallTimeout how long one call to the TC (begin, branch registration, commit) may wait for its
 *     answer. Seata leaves a call to a TC that died pending until this passes (its defaults are 30 s and 15 s), so
 *     it bounds how long orders stall when the TC, or a Raft group's leader, is lost
 * @param fence the TCC fence (idempotent phase 2, empty rollback, anti-suspension)
 * @param raft a Raft group of TCs, which replaces {@code tcAddresses} when it names any member
 */
@ConfigurationProperties("sluice.tcc")
public record SluiceTccProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("127.0.0.1:8091") List<String> tcAddresses,
        @DefaultValue("sluice-tx") String txServiceGroup,
        @DefaultValue("30s") Duration timeout,
        @DefaultValue("5s") Duration coordinatorCallTimeout,
        @DefaultValue Fence fence,
        @DefaultValue Raft raft) {

    /** The addresses the TC's reachability is judged by: the Raft members' consoles, or the lone TC's port. */
    public List<String> coordinatorAddresses() {
        return raft.enabled() ? raft.addresses() : tcAddresses;
    }

    /**
     * @param enabled whether the fence is on (it is by default; every Sluice TCC action uses it)
     * @param logTable the fence's table, created by the Flyway migration platform-tcc ships
     * @param cleanPeriod how long fence rows are kept before Seata deletes them
     */
    public record Fence(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("tcc_fence_log") String logTable,
            @DefaultValue("1d") Duration cleanPeriod) {
    }

    /**
     * A coordinator with no single point of failure: TCs in a Raft group (Seata's {@code store.mode=raft}). The
     * service asks any member's console for the group's leader, sends its transactions there, and follows the
     * leader when the group elects another.
     *
     * @param addresses the members' console addresses, {@code host:port} (Seata's {@code server.port}, 7091 by
     *     default), as the members themselves report them
     */
    public record Raft(List<String> addresses) {

        public Raft {
            addresses = addresses == null ? List.of() : List.copyOf(addresses);
        }

        public boolean enabled() {
            return !addresses.isEmpty();
        }
    }
}
