package dev.sluice.gateway.store;

import dev.sluice.gateway.route.RouteJson;
import tools.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The last revision this node applied, on local disk: what a node serves when it restarts while Redis is away.
 * Written to a temporary file and moved into place, so a crash mid-write leaves the previous copy.
 */
public class LastAppliedFile {

    private static final Logger log = LoggerFactory.getLogger(LastAppliedFile.class);
    private final Path file;
    private final JsonMapper json;

    /** @param json reads the revision, route documents included: {@code RouteModel.mapper()} */
    public LastAppliedFile(Path file, JsonMapper json) {
        this.json = json;
        this.file = file;
    }

    public Path path() {
        return file;
    }

    public Optional<ConfigRevision> read() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(Files.readString(file), ConfigRevision.class));
        }
        catch (IOException | RuntimeException e) {
            log.warn("Ignoring the last applied config in {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    public void write(ConfigRevision revision) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, RouteJson.mapper().writeValueAsString(revision));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException | RuntimeException e) {
            log.warn("Could not keep the applied config in {}: {}", file, e.toString());
        }
    }
}
