package dev.sluice.gateway.admin;

import dev.sluice.starter.management.BearerTokens;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.util.List;

/**
 * Who may use the management port beyond health: bearer tokens, stored as SHA-256 hashes (hex), each with a name
 * (the actor in logs) and a role ({@code admin} reads and writes, {@code viewer} only reads). No token, no access.
 *
 * @param maxBodySize  the largest Admin API request body; 413 beyond
 * @param auditEntries how many audit entries Redis keeps
 */
@ConfigurationProperties("sluice.gateway.admin")
public record AdminProperties(
        @DefaultValue List<BearerTokens.Token> tokens,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("1000") int auditEntries) {
}
