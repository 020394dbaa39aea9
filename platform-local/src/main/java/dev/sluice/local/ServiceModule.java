package dev.sluice.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service the local stack runs: a module of the root pom with a {@value #DESCRIPTOR} file beside its pom.xml,
 * which says its port and its database. Nothing in the launcher names a service: adding a module with that file
 * is all it takes (the samples have one, and {@code new-service.sh} writes one).
 *
 * @param module            the module's folder, artifactId and executable jar name, and its spring.application.name
 * @param port              its port unless the {@link #portSetting()} setting says otherwise
 * @param database          its database name, or empty if it has none: with H2 the stack's H2 server serves it,
 *                          with PostgreSQL a database and role of this name are created
 * @param databaseEnvPrefix with PostgreSQL, the prefix of the {@code _DB_URL}, {@code _DB_USER} and
 *                          {@code _DB_PASSWORD} variables its {@code postgres} profile reads
 */
record ServiceModule(String module, int port, String database, String databaseEnvPrefix) {

    static final String DESCRIPTOR = "local-stack.properties";
    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

    /** The root pom's modules that have a descriptor, in the pom's order (which is the order they start in). */
    static List<ServiceModule> discover(Path root) {
        Path pom = root.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            throw new IllegalArgumentException("No pom.xml in " + root + ": --root must be the repository checkout");
        }
        List<ServiceModule> services = new ArrayList<>();
        try {
            Matcher modules = MODULE.matcher(Files.readString(pom));
            while (modules.find()) {
                Path descriptor = root.resolve(modules.group(1)).resolve(DESCRIPTOR);
                if (Files.isRegularFile(descriptor)) {
                    services.add(read(modules.group(1), descriptor));
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pom, e);
        }
        return List.copyOf(services);
    }

    static ServiceModule read(String module, Path descriptor) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(descriptor)) {
            properties.load(in);
        }
        String port = properties.getProperty("port", "").trim();
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65_535) {
            throw new IllegalArgumentException(descriptor + ": port must be a port number, got '" + port + "'");
        }
        String database = properties.getProperty("database", "").trim();
        if (!database.isEmpty() && !database.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException(descriptor + ": database must be a lower-case SQL name, got '" + database
                    + "'");
        }
        String prefix = properties.getProperty("database-env-prefix",
                database.toUpperCase(Locale.ROOT)).trim();
        return new ServiceModule(module, Integer.parseInt(port), database, prefix);
    }

    boolean hasDatabase() {
        return !database.isEmpty();
    }

    /** The launcher setting for its port: {@code sample-order-service} is {@code --order-port}. */
    String portSetting() {
        String name = module.startsWith("sample-") ? module.substring("sample-".length()) : module;
        name = name.endsWith("-service") ? name.substring(0, name.length() - "-service".length()) : name;
        return name + "-port";
    }
}
