package dev.sluice.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The local gateway's admin token: {@code SLUICE_ADMIN_TOKEN} when set; otherwise one generated on the first run and
 * kept, readable by the owner only, in {@code <run-dir>/admin-token}. The gateway is only given its SHA-256.
 *
 * @param file where the token was written, or null when it came from the environment
 */
public record AdminToken(String value, Path file) {

    public static final String VARIABLE = "SLUICE_ADMIN_TOKEN";

    public static AdminToken resolve(Map<String, String> environment, Path runDir) {
        String given = environment.get(VARIABLE);
        if (given != null && !given.isBlank()) {
            return new AdminToken(given.trim(), null);
        }
        Path file = runDir.resolve("admin-token");
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file).trim();
                if (!kept.isEmpty()) {
                    return new AdminToken(kept, file);
                }
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(runDir);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + System.lineSeparator());
            return new AdminToken(token, file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not keep the admin token in " + file, e);
        }
    }

    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The gateway arguments that make this token its one admin token, named {@code local-admin}. */
    String[] gatewayArguments() {
        return new String[] {
                "--sluice.gateway.admin.tokens[0].name=local-admin",
                "--sluice.gateway.admin.tokens[0].role=admin",
                "--sluice.gateway.admin.tokens[0].sha256=" + sha256()};
    }

    /** What the launcher prints: the token, and where it is kept. */
    String describe() {
        return file == null ? "admin token: from " + VARIABLE
                : "admin token: " + value + "  (kept in " + file + ")";
    }
}
