package dev.sluice.starter.management;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks bearer tokens against configured SHA-256 hashes, in constant time per configured token. The gateway's
 * Admin API and every service's actuator use it, each with its own list of tokens.
 */
public class BearerTokens {

    /** {@code admin} reads and writes, {@code viewer} only reads. */
    public enum Role { ADMIN, VIEWER }

    /** @param sha256 the hex SHA-256 of the token; the token itself is never configured */
    public record Token(String name, String role, String sha256) {
    }

    public record Caller(String name, Role role) {
    }

    private record Known(String name, Role role, byte[] hash) {
    }

    private final List<Known> known;

    /** @param property the configuration property that lists them, named in errors */
    public BearerTokens(String property, List<Token> tokens) {
        this.known = tokens.stream().map(t -> {
            if (t.name() == null || t.role() == null || t.sha256() == null || !t.sha256().matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("Each " + property + " entry needs a name, a role (admin or "
                        + "viewer) and sha256: the 64 hex digits of the token's SHA-256");
            }
            Role role = switch (t.role().toLowerCase(Locale.ROOT)) {
                case "admin" -> Role.ADMIN;
                case "viewer" -> Role.VIEWER;
                default -> throw new IllegalArgumentException(property + " entry '" + t.name() + "' has role '"
                        + t.role() + "': use admin or viewer");
            };
            return new Known(t.name(), role, HexFormat.of().parseHex(t.sha256()));
        }).toList();
    }

    /** The caller a presented token belongs to; every configured hash is compared, so timing reveals nothing. */
    public Optional<Caller> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(token);
        Caller match = null;
        for (Known k : known) {
            if (MessageDigest.isEqual(presented, k.hash()) && match == null) {
                match = new Caller(k.name(), k.role());
            }
        }
        return Optional.ofNullable(match);
    }

    /** The caller an {@code Authorization: Bearer <token>} header names; empty for any other header or none. */
    public Optional<Caller> authenticateHeader(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authenticate(authorization.substring(7).trim()) : Optional.empty();
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
