package dev.sluice.starter.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who this service instance is.
 *
 * @param zone the zone (site, data centre) the instance runs in; the gateway prefers instances in its own zone
 * @param infoPath where to serve the instance's identity as JSON, for example {@code /api/orders/info}; unset, nothing is served
 */
@ConfigurationProperties("sluice.service")
public record ServiceIdentityProperties(@DefaultValue("default") String zone, String infoPath) {
}
