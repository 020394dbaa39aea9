package dev.sluice.starter.management;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * Who may read a service's actuator beyond health: bearer tokens, stored as SHA-256 hashes (hex), each with a name
 * and a role ({@code viewer} reads; {@code admin} may also write, such as changing a logger's level). With none
 * configured, every endpoint but health answers 401, whatever {@code management.endpoints.web.exposure} opens.
 *
 * @param enabled false leaves the actuator to a service that secures it another way (Spring Security)
 * @param tokens  the accepted tokens' hashes; the tokens themselves are never configured
 */
@ConfigurationProperties("sluice.management")
public record ManagementProperties(@DefaultValue("true") boolean enabled, @DefaultValue List<BearerTokens.Token> tokens) {
}
