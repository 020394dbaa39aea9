package dev.sluice.local.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code ./new-service.sh NAME [--tcc] [--port=N] [--package=P]}: a new service module from
 * {@code templates/service}, registered everywhere the platform runs it, with nothing left to edit by hand:
 * <ol>
 * <li>the module {@code NAME-service}: application class, one example endpoint, configuration, README, a test on a
 * real Redis Cluster (and TC with {@code --tcc}, which adds platform-tcc);</li>
 * <li>a {@code <module>} in the root pom, which is also how {@code ./run-local.sh} finds it (with its
 * {@code local-stack.properties});</li>
 * <li>the gateway route {@code NAME} for {@code /api/NAME/**}, with the default policies;</li>
 * <li>a service in {@code docker-compose.yml} and a scrape job in Prometheus's configuration.</li>
 * </ol>
 * Everything is checked before anything is written. The port is the next one after the services' own that no
 * part of the stack uses. A single source file using only the JDK, so the script runs it before anything is built
 * (Java's source-file mode); Maven archetypes cannot change files outside the module they create.
 */
public final class NewService {

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    static final Pattern PACKAGE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    /**
     * Ports of the rest of the stack (Redis and its bus, the TC or a group of three, gateways, databases, Prometheus,
     * Grafana).
     */
    static final Set<Integer> TAKEN = Set.of(3000, 5432, 7000, 7001, 7002, 7003, 7004, 7005, 7091, 7092, 7093, 8080,
            8081, 8082, 8083, 8091, 8092, 8093, 9090, 9091, 9092, 9093, 9099, 17000, 17001, 17002, 17003, 17004, 17005);
    static final String MODULES_MARK = "<!-- new-service.sh adds modules above this line -->";
    static final String ROUTES_MARK = "# new-service.sh adds routes above this line";
    static final String COMPOSE_MARK = "# new-service.sh adds services above this line";
    static final String SCRAPE_MARK = "# new-service.sh adds scrape jobs above this line";

    private final Path root;

    NewService(Path root) {
        this.root = root;
    }

    /** What to create; {@code port} 0 picks the next free one, {@code packageName} null derives it. */
    record Request(String name, boolean tcc, int port, String packageName) {
    }

    /** What was created. */
    record Created(String module, int port, String packageName, List<Path> changed) {
    }

    public static void main(String[] args) {
        Path root = Path.of(".").toAbsolutePath().normalize();
        String name = null;
        boolean tcc = false;
        int port = 0;
        String packageName = null;
        for (String arg : args) {
            if (arg.equals("--tcc")) {
                tcc = true;
            }
            else if (arg.startsWith("--port=") && arg.substring(7).matches("\\d{1,5}")) {
                port = Integer.parseInt(arg.substring(7));
            }
            else if (arg.startsWith("--package=")) {
                packageName = arg.substring(10);
            }
            else if (arg.startsWith("--root=")) {
                root = Path.of(arg.substring(7)).toAbsolutePath().normalize();
            }
            else if (!arg.startsWith("--") && name == null) {
                name = arg;
            }
            else {
                fail("Unexpected argument: " + arg);
            }
        }
        if (name == null) {
            fail("Usage: ./new-service.sh NAME [--tcc] [--port=N] [--package=P]\n"
                    + "  NAME: lower case words joined by dashes (orders-history); the module is NAME-service");
        }
        try {
            Created created = new NewService(root).create(new Request(name, tcc, port, packageName));
            System.out.printf("Created %s (port %d, package %s). Changed:%n", created.module(), created.port(),
                    created.packageName());
            for (Path path : created.changed()) {
                System.out.println("  " + root.relativize(path));
            }
            System.out.printf("%nNext: ./mvnw -B -q install -DskipTests, ./mvnw -B -pl %s verify, then ./run-local.sh"
                    + " and%n  curl http://localhost:8080/api/%s/greetings/Ada%n", created.module(), name);
        }
        catch (IllegalArgumentException | IllegalStateException e) {
            fail(e.getMessage());
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

    Created create(Request request) {
        String name = request.name();
        if (!NAME.matcher(name).matches() || name.length() > 40) {
            throw new IllegalArgumentException("NAME must be lower case words joined by dashes, at most 40 characters "
                    + "(orders-history), got: " + name);
        }
        String module = name + "-service";
        if (Files.exists(root.resolve(module))) {
            throw new IllegalArgumentException(module + " already exists");
        }
        Path rootPom = root.resolve("pom.xml");
        Path routes = root.resolve("platform-gateway/src/main/resources/application.yml");
        Path compose = root.resolve("docker-compose.yml");
        Path prometheus = root.resolve("deploy/docker/prometheus/prometheus.yml");
        Path template = root.resolve("templates/service");
        String pom = read(rootPom);
        String groupId = tag(pom, "groupId", rootPom);
        String packageName = request.packageName() != null ? request.packageName() : groupId + "." + name.replace("-", "");
        if (!PACKAGE.matcher(packageName).matches()) {
            throw new IllegalArgumentException("--package must be a Java package name, got: " + packageName);
        }
        if (pom.contains("<module>" + module + "</module>")) {
            throw new IllegalArgumentException(module + " is already a module of " + rootPom);
        }
        if (read(routes).contains("- id: " + name + "\n")) {
            throw new IllegalArgumentException("The gateway already has a route " + name);
        }
        int port = request.port() != 0 ? checkedPort(request.port()) : nextPort();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("__NAME_UPPER__", name.toUpperCase(Locale.ROOT).replace('-', '_'));
        tokens.put("__NAME__", name);
        tokens.put("__MODULE__", module);
        tokens.put("__CLASS__", className(name));
        tokens.put("__PACKAGE_PATH__", packageName.replace('.', '/'));
        tokens.put("__PACKAGE__", packageName);
        tokens.put("__PORT__", String.valueOf(port));
        tokens.put("__GROUP_ID__", groupId);
        tokens.put("__PARENT_ARTIFACT_ID__", tag(pom, "artifactId", rootPom));
        tokens.put("__PARENT_VERSION__", tag(pom, "version", rootPom));
        tokens.put("__TCC_NOTE__", request.tcc() ? " --tcc (it takes part in Seata TCC transactions)" : "");

        // Every edit is worked out before the first write, so a missing marker changes nothing.
        Map<Path, String> edits = new LinkedHashMap<>();
        edits.put(rootPom, insertAbove(pom, MODULES_MARK, "<module>" + module + "</module>", rootPom));
        edits.put(routes, insertAbove(read(routes), ROUTES_MARK, fill(ROUTE, tokens), routes));
        edits.put(compose, insertAbove(read(compose), COMPOSE_MARK,
                keepTcc(fill(COMPOSE_SERVICE, tokens), request.tcc()), compose));
        edits.put(prometheus, insertAbove(read(prometheus), SCRAPE_MARK, fill(SCRAPE_JOB, tokens), prometheus));
        Map<Path, String> files = new LinkedHashMap<>();
        for (Path source : templateFiles(template)) {
            Path target = root.resolve(module).resolve(fill(template.relativize(source).toString(), tokens));
            files.put(target, keepTcc(fill(read(source), tokens), request.tcc()));
        }

        List<Path> changed = new ArrayList<>();
        try {
            for (Map.Entry<Path, String> file : files.entrySet()) {
                Files.createDirectories(file.getKey().getParent());
                Files.writeString(file.getKey(), file.getValue());
            }
            changed.add(root.resolve(module));
            for (Map.Entry<Path, String> edit : edits.entrySet()) {
                Files.writeString(edit.getKey(), edit.getValue());
                changed.add(edit.getKey());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Created(module, port, packageName, changed);
    }

    /** The next port after the highest service port that nothing in the stack or the compose file uses. */
    private int nextPort() {
        Set<Integer> used = new TreeSet<>(TAKEN);
        used.addAll(servicePorts());
        Matcher published = Pattern.compile(":(\\d{2,5})\"").matcher(read(root.resolve("docker-compose.yml")));
        while (published.find()) {
            used.add(Integer.parseInt(published.group(1)));
        }
        int port = Math.max(8100, servicePorts().stream().mapToInt(Integer::intValue).max().orElse(8100)) + 1;
        while (used.contains(port)) {
            port++;
        }
        return port;
    }

    private int checkedPort(int port) {
        if (port < 1024 || port > 65_535 || TAKEN.contains(port) || servicePorts().contains(port)) {
            throw new IllegalArgumentException("Port " + port + " is taken or out of range (1024-65535); the services use "
                    + servicePorts());
        }
        return port;
    }

    private List<Integer> servicePorts() {
        try (Stream<Path> modules = Files.list(root)) {
            List<Integer> ports = new ArrayList<>();
            for (Path descriptor : modules.map(m -> m.resolve("local-stack.properties")).filter(Files::isRegularFile)
                    .toList()) {
                Properties properties = new Properties();
                try (var in = Files.newBufferedReader(descriptor)) {
                    properties.load(in);
                }
                ports.add(Integer.parseInt(properties.getProperty("port", "0").trim()));
            }
            return ports;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> templateFiles(Path template) {
        if (!Files.isDirectory(template)) {
            throw new IllegalStateException("No service template at " + template);
        }
        try (Stream<Path> files = Files.walk(template)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the lines between tcc:begin and tcc:end markers unless {@code tcc}; drops the markers either way. */
    static String keepTcc(String text, boolean tcc) {
        StringBuilder kept = new StringBuilder();
        boolean inside = false;
        for (String line : text.split("\n", -1)) {
            if (line.contains("tcc:begin")) {
                inside = true;
            }
            else if (line.contains("tcc:end")) {
                inside = false;
            }
            else if (!inside || tcc) {
                kept.append(line).append('\n');
            }
        }
        return kept.substring(0, kept.length() - 1);
    }

    static String insertAbove(String text, String mark, String block, Path file) {
        int at = text.indexOf(mark);
        if (at < 0) {
            throw new IllegalStateException(file + " has no line '" + mark + "': put it back where new services go");
        }
        int lineStart = text.lastIndexOf('\n', at) + 1;
        String indent = text.substring(lineStart, at);
        StringBuilder inserted = new StringBuilder();
        String lines = block.endsWith("\n") ? block.substring(0, block.length() - 1) : block;
        for (String line : lines.split("\n", -1)) {
            inserted.append(line.isEmpty() ? "" : indent + line).append('\n');
        }
        return text.substring(0, lineStart) + inserted + text.substring(lineStart);
    }

    static String fill(String text, Map<String, String> tokens) {
        String filled = text;
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            filled = filled.replace(token.getKey(), token.getValue());
        }
        return filled;
    }

    static String className(String name) {
        StringBuilder camel = new StringBuilder();
        for (String word : name.split("-")) {
            camel.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return camel.toString();
    }

    private static String tag(String pom, String tag, Path file) {
        // The project's own coordinates follow its <parent> block.
        String project = pom.contains("</parent>") ? pom.substring(pom.indexOf("</parent>")) : pom;
        Matcher matcher = Pattern.compile("<" + tag + ">([^<]+)</" + tag + ">").matcher(project);
        if (!matcher.find()) {
            throw new IllegalStateException(file + " has no <" + tag + ">");
        }
        return matcher.group(1).trim();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    static final String ROUTE = """
            - id: __NAME__
              uri: lb://__MODULE__
              match: { path: /api/__NAME__/** }
              timeout: 5s
              rateLimit: { rate: 1000, burst: 2000, period: 1s, key: ip }
              retry: { attempts: 2, backoff: 50ms, statuses: [502, 503, 504] }
              circuitBreaker: { failureRateThreshold: 50, slidingWindow: 50, minimumCalls: 20, openFor: 10s }
            """;

    static final String COMPOSE_SERVICE = """
            __MODULE__:
              <<: *spring-app
              build:
                context: __MODULE__/target
                dockerfile: ../../deploy/docker/boot-app.Dockerfile
                args:
                  BASE_IMAGE: ${SLUICE_BASE_IMAGE:-eclipse-temurin:17-jre}
                  APPLICATION: __MODULE__
                  HEALTH_PORT: "__PORT__"
              image: sluice/__MODULE__:${SLUICE_IMAGE_TAG:-dev}
              environment:
                <<: *spring-env
                # tcc:begin
                SLUICE_TCC_TC_ADDRESSES: seata:8091
                # With the tc-cluster profile: the Raft group's consoles, which then replace the address above.
                SLUICE_TCC_RAFT_ADDRESSES: ${SLUICE_TCC_RAFT_ADDRESSES:-}
                # tcc:end
                SLUICE_MANAGEMENT_TOKENS_0_NAME: prometheus
                SLUICE_MANAGEMENT_TOKENS_0_ROLE: viewer
                SLUICE_MANAGEMENT_TOKENS_0_SHA256: ${SLUICE_VIEWER_TOKEN_SHA256:?set it in .env}
              # tcc:begin
              depends_on:
                <<: *spring-deps
                seata: { condition: service_healthy }
              # tcc:end
              ports:
                - "127.0.0.1::__PORT__"
              mem_limit: 768m

            """;

    static final String SCRAPE_JOB = """
            - job_name: __MODULE__
              metrics_path: /actuator/prometheus
              authorization:
                credentials_file: /tmp/viewer-token
              dns_sd_configs:
                - names: ["__MODULE__"]
                  type: A
                  port: __PORT__
                  refresh_interval: 5s

            """;
}
