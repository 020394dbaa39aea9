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
 * @param tcAddresses the TC's {@code host:port} addresses
 * @param txServiceGroup the transaction service group, which Seata maps to the TC cluster
 * @param timeout how long a global transaction begun here may run before the TC rolls it back
 * @param fence the TCC fence (idempotent phase 2, empty rollback, anti-suspension)
 */
@ConfigurationProperties("sluice.tcc")
public record SluiceTccProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("127.0.0.1:8091") List<String> tcAddresses,
        @DefaultValue("sluice-tx") String txServiceGroup,
        @DefaultValue("30s") Duration timeout,
        @DefaultValue Fence fence) {

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
}
