package dev.sluice.tcc.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Translates {@code sluice.tcc.*} into the {@code seata.*} settings the Seata client reads, as defaults added last:
 * TCC only (no AT data-source proxy), a file registry pointing at the configured TC (or Seata's Raft registry for a
 * Raft group of TCs), and the platform's XID filter
 * instead of Seata's own interceptor. Seata reads its settings from the environment before the context has beans,
 * so this cannot be a regular auto-configuration.
 */
public class TccEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    public static final String PROPERTY_SOURCE_NAME = "sluiceTccToSeata";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> settings = seataSettings(environment);
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, settings));
        // Property sources added after this point count too (a test's @DynamicPropertySource with the TC's port, for
        // one): the settings are worked out again once the context is about to create beans, before Seata's
        // clients read them.
        application.addInitializers(context -> context.addBeanFactoryPostProcessor(beanFactory -> {
            Map<String, Object> current = seataSettings(context.getEnvironment());
            settings.clear();
            settings.putAll(current);
        }));
    }

    private static Map<String, Object> seataSettings(ConfigurableEnvironment environment) {
        SluiceTccProperties tcc = Binder.get(environment).bindOrCreate("sluice.tcc", SluiceTccProperties.class);
        return seataSettings(tcc, environment.getProperty("spring.application.name", "sluice-service"));
    }

    static Map<String, Object> seataSettings(SluiceTccProperties tcc, String applicationName) {
        Map<String, Object> seata = new LinkedHashMap<>();
        seata.put("seata.enabled", Boolean.toString(tcc.enabled()));
        seata.put("seata.application-id", applicationName);
        seata.put("seata.tx-service-group", tcc.txServiceGroup());
        seata.put("seata.service.vgroup-mapping." + tcc.txServiceGroup(), "default");
        if (tcc.raft().enabled()) {
            // The cluster name "default" is also the TCs' Raft group (Seata's default), which the registry asks for.
            seata.put("seata.registry.type", "raft");
            seata.put("seata.registry.raft.server-addr", String.join(",", tcc.raft().addresses()));
        }
        else {
            seata.put("seata.service.grouplist.default", String.join(",", tcc.tcAddresses()));
            seata.put("seata.registry.type", "file");
        }
        seata.put("seata.config.type", "file");
        seata.put("seata.enable-auto-data-source-proxy", "false");
        seata.put("seata.client.http.interceptor-enabled", "false");
        seata.put("seata.client.tm.default-global-transaction-timeout", Long.toString(tcc.timeout().toMillis()));
        for (String role : new String[] {"Tm", "Rm"}) {
            String millis = Long.toString(tcc.coordinatorCallTimeout().toMillis());
            seata.put("seata.transport.rpc" + role + "RequestTimeout", millis);
            seata.put("seata.transport.rpc-" + role.toLowerCase(java.util.Locale.ROOT) + "-request-timeout", millis);
        }
        // Start without the TC (readiness says DOWN until it is reachable) instead of failing start-up. Seata reads
        // these keys from the environment as written, so both spellings are given.
        for (String role : new String[] {"Tm", "Rm"}) {
            seata.put("seata.transport.enable" + role + "ClientChannelCheckFailFast", "false");
            seata.put("seata.transport.enable-" + role.toLowerCase(java.util.Locale.ROOT)
                    + "-client-channel-check-fail-fast", "false");
        }
        seata.put("seata.tcc.fence.log-table-name", tcc.fence().logTable());
        seata.put("seata.tcc.fence.clean-period", tcc.fence().cleanPeriod().toString());
        // Seata logs every RPC and phase-2 step at INFO: a cost on each order. Failures still show at WARN.
        seata.put("logging.level.org.apache.seata", "WARN");
        // Reactive services: restore the XID thread-local on every thread a request runs on (see XidWebFilter).
        seata.put("spring.reactor.context-propagation", "auto");
        if (tcc.enabled()) {
            // Readiness waits for the TC; liveness does not, so a TC outage never restarts services.
            seata.put("management.endpoint.health.group.readiness.include", "readinessState,seataTc");
        }
        return seata;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
