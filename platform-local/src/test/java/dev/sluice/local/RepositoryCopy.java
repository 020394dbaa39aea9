package dev.sluice.local;

import dev.sluice.test.process.ProcessReaper;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A copy of this repository changed only by its own commands, as a team's clone would be. */
final class RepositoryCopy {

    private static final Set<String> SKIPPED = Set.of("target", ".git", ".local-stack");

    private RepositoryCopy() {
    }

    /**
     * The repository (without build output) with {@code ./new-service.sh name} run in it, then built as
     * {@code ./run-local.sh} builds it (offline: this build already fetched everything).
     */
    static Path withNewService(String name) throws Exception {
        Path copy = Path.of("target", "repository-copy").toAbsolutePath();
        ProcessReaper.delete(copy);
        copy(LauncherProcess.REPO_ROOT, copy);
        run(copy, List.of("./new-service.sh", name), "new-service.log");
        run(copy, List.of("./mvnw", "-B", "-q", "-o", "package", "-Dmaven.test.skip=true", "-Dmaven.source.skip=true",
                "-Dmaven.javadoc.skip=true"), "build.log");
        return copy;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(from) && SKIPPED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void run(Path dir, List<String> command, String logName) throws Exception {
        Path log = dir.resolve(logName);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes; see " + log);
            }
        }
        finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ":\n"
                    + Files.readString(log));
        }
    }
}
