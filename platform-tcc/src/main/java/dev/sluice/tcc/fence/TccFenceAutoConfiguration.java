package dev.sluice.tcc.fence;

import dev.sluice.tcc.config.SluiceTccProperties;
import org.apache.seata.rm.fence.SpringFenceConfig;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.sql.DatabaseMetaData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The TCC fence: Seata records each branch's phases in a local table, written in the same local transaction as the
 * business change, which makes phase 2 idempotent, allows an empty rollback and rejects a late try (suspension).
 * Declared here rather than left to Seata's own auto-configuration, whose ordering refers to Boot 3 classes.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        beforeName = "org.apache.seata.spring.boot.autoconfigure.SeataSpringFenceAutoConfiguration")
@ConditionalOnBooleanProperty(name = {"sluice.tcc.enabled", "sluice.tcc.fence.enabled"}, matchIfMissing = true)
@EnableConfigurationProperties(SluiceTccProperties.class)
public class TccFenceAutoConfiguration {

    static final String FENCE_MIGRATIONS = "classpath:db/sluice-tcc/";

    @Bean
    @ConditionalOnMissingBean
    SpringFenceConfig springFenceConfig(ObjectProvider<DataSource> dataSource,
            ObjectProvider<PlatformTransactionManager> transactionManager, SluiceTccProperties properties) {
        DataSource db = dataSource.getIfUnique();
        PlatformTransactionManager tm = transactionManager.getIfUnique();
        if (db == null || tm == null) {
            throw new IllegalStateException("The TCC fence (sluice.tcc.fence.enabled=true) needs one DataSource and one "
                    + "PlatformTransactionManager: the fence row and the business change commit in one local "
                    + "transaction. Found " + (db == null ? "no unique DataSource" : "a DataSource") + " and "
                    + (tm == null ? "no unique PlatformTransactionManager" : "a PlatformTransactionManager")
                    + ". Add spring-boot-starter-jdbc (or JPA) with a database, or set sluice.tcc.fence.enabled=false.");
        }
        SpringFenceConfig config = new SpringFenceConfig(db, tm);
        config.setLogTableName(properties.fence().logTable());
        config.setCleanPeriod(properties.fence().cleanPeriod());
        return config;
    }

    /** Adds the fence table's migration to the service's own Flyway locations. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Flyway.class, FlywayConfigurationCustomizer.class})
    static class FenceMigration {

        static final List<String> SUPPORTED_VENDORS = List.of("h2", "postgresql");

        /** Boot expands {vendor} before customizers run, so the vendor is resolved here from the DataSource. */
        @Bean
        FlywayConfigurationCustomizer sluiceTccFenceMigration() {
            return configuration -> {
                String location = FENCE_MIGRATIONS + vendorOf(configuration.getDataSource());
                List<String> locations = new ArrayList<>(Arrays.stream(configuration.getLocations())
                        .map(Object::toString).toList());
                if (!locations.contains(location)) {
                    locations.add(location);
                }
                configuration.locations(locations.toArray(String[]::new));
            };
        }

        private static String vendorOf(DataSource dataSource) {
            try {
                String url = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getURL);
                String vendor = DatabaseDriver.fromJdbcUrl(url).getId();
                if (!SUPPORTED_VENDORS.contains(vendor)) {
                    throw new IllegalStateException("platform-tcc ships the TCC fence table for " + SUPPORTED_VENDORS
                            + ", not for " + vendor + ": create tcc_fence_log yourself and set sluice.tcc.fence."
                            + "log-table if you rename it");
                }
                return vendor;
            }
            catch (MetaDataAccessException e) {
                throw new IllegalStateException("Cannot tell which database the TCC fence table is for", e);
            }
        }
    }
}
