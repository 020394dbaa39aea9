package dev.sluice.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How the running stack launched a service (its arguments and environment), kept in the run folder so that
 * {@code ./run-local.sh add SERVICE} can start one more instance of it the same way. Readable by the owner only: with
 * PostgreSQL the environment holds the service's database password. Removed when the stack stops.
 */
record LaunchFile(List<String> arguments, Map<String, String> environment) {

    static Path of(StackConfig config, String service) {
        return config.runDir().resolve("launch").resolve(service + ".properties");
    }

    void write(Path file) {
        Properties properties = new Properties();
        for (int i = 0; i < arguments.size(); i++) {
            properties.setProperty("arg." + i, arguments.get(i));
        }
        environment.forEach((name, value) -> properties.setProperty("env." + name, value));
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(file)) {
                properties.store(out, "how the local stack launched this service; removed when it stops");
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** The launch file of {@code service}; empty when the stack is not running (or never started it). */
    static java.util.Optional<LaunchFile> read(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        List<String> arguments = new ArrayList<>();
        for (int i = 0; properties.containsKey("arg." + i); i++) {
            arguments.add(properties.getProperty("arg." + i));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().filter(name -> name.startsWith("env.")).sorted()
                .forEach(name -> environment.put(name.substring(4), properties.getProperty(name)));
        return java.util.Optional.of(new LaunchFile(arguments, environment));
    }
}
