package dev.sluice.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Checks bearer tokens against the configured hashes, in constant time per configured token. */
public class AdminTokens {

    public enum Role { ADMIN, VIEWER }

    public record Caller(String name, Role role) {
    }

    private record Known(String name, Role role, byte[] hash) {
    }

    private final List<Known> known;

    public AdminTokens(List<AdminProperties.Token> tokens) {
        this.known = tokens.stream().map(t -> {
            if (t.name() == null || t.role() == null || t.sha256() == null || !t.sha256().matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("Each sluice.gateway.admin.tokens entry needs a name, a role (admin or "
                        + "viewer) and sha256: the 64 hex digits of the token's SHA-256");
            }
            return new Known(t.name(), Role.valueOf(t.role().toUpperCase(Locale.ROOT)), HexFormat.of().parseHex(t.sha256()));
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

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
