package dev.sluice.test.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a {@code redis-server} to run, in this order:
 * <ol>
 * <li>{@code SLUICE_REDIS_SERVER} (environment) or {@code sluice.redis.server} (system property): an explicit path;</li>
 * <li>a {@code redis-server} of version 7 or later on the PATH;</li>
 * <li>the binary shipped inside {@code com.github.codemonstur:embedded-redis} (Redis 6.2), extracted once
 * to a cache folder. This is what a fresh machine with only a JDK uses.</li>
 * </ol>
 */
public final class RedisBinary {

    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.");

    private RedisBinary() {
    }

    public static Path locate() {
        String explicit = System.getProperty("sluice.redis.server", System.getenv("SLUICE_REDIS_SERVER"));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        Path onPath = findOnPath();
        if (onPath != null && majorVersion(onPath) >= 7) {
            return onPath;
        }
        return extractBundled();
    }

    private static Path findOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static int majorVersion(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(5, TimeUnit.SECONDS);
            Matcher m = VERSION.matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
        catch (IOException e) {
            return 0;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static Path extractBundled() {
        String resource = bundledResourceName();
        Path cacheDir = Path.of(System.getProperty("java.io.tmpdir"), "sluice-redis-" + System.getProperty("user.name"));
        Path target = cacheDir.resolve(resource);
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("No bundled redis-server for this platform (" + resource
                        + "); install Redis 7+ on the PATH or set SLUICE_REDIS_SERVER");
            }
            Files.createDirectories(cacheDir);
            // Write aside and move, so concurrent builds never run a half-written binary.
            Path partial = Files.createTempFile(cacheDir, resource, ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            if (!partial.toFile().setExecutable(true, false)) {
                throw new AccessDeniedException(partial.toString());
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Could not extract the bundled redis-server to " + target, e);
        }
    }

    private static String bundledResourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IllegalStateException("Unsupported OS for the bundled redis-server: " + os);
    }
}
