package dev.sluice.local.generate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The generator on the files it changes, copied from this repository. That a generated service builds, passes its
 * own test, starts in the local stack and answers through the gateway is LocalStackLauncherTest's first test.
 */
class NewServiceTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final List<String> FILES = List.of("pom.xml", "platform-gateway/src/main/resources/application.yml",
            "docker-compose.yml", "deploy/docker/prometheus/prometheus.yml",
            "sample-inventory-service/local-stack.properties", "sample-order-service/local-stack.properties");

    @TempDir
    Path root;

    @BeforeEach
    void copyTheFilesItChanges() throws Exception {
        for (String file : FILES) {
            Files.createDirectories(root.resolve(file).getParent());
            Files.copy(REPO.resolve(file), root.resolve(file));
        }
        try (var template = Files.walk(REPO.resolve("templates"))) {
            for (Path source : template.filter(Files::isRegularFile).toList()) {
                Path target = root.resolve(REPO.relativize(source).toString());
                Files.createDirectories(target.getParent());
                Files.copy(source, target);
            }
        }
    }

    @Test
    void aServiceIsAddedToTheBuildTheGatewayComposeAndPrometheus() throws Exception {
        NewService.Created created = new NewService(root).create(new NewService.Request("order-history", false, 0, null));

        assertThat(created.module()).isEqualTo("order-history-service");
        assertThat(created.port()).as("after the samples' 8101 and 8102").isEqualTo(8103);
        assertThat(created.packageName()).isEqualTo("dev.sluice.orderhistory");
        Path module = root.resolve("order-history-service");
        assertThat(module.resolve("src/main/java/dev/sluice/orderhistory/OrderHistoryApplication.java")).exists();
        assertThat(module.resolve("src/test/java/dev/sluice/orderhistory/OrderHistoryServiceTest.java")).exists();
        assertThat(Files.readString(module.resolve("local-stack.properties"))).contains("port=8103");
        assertThat(Files.readString(module.resolve("pom.xml"))).contains("<artifactId>order-history-service</artifactId>")
                .doesNotContain("platform-tcc", "__", "tcc:");
        assertThat(Files.readString(root.resolve("pom.xml"))).contains("<module>order-history-service</module>");
        assertThat(Files.readString(root.resolve(FILES.get(1))))
                .contains("- id: order-history\n        uri: lb://order-history-service\n"
                        + "        match: { path: /api/order-history/** }");
        assertThat(Files.readString(root.resolve("docker-compose.yml"))).contains("  order-history-service:\n")
                .contains("\"127.0.0.1::8103\"");
        assertThat(Files.readString(root.resolve(FILES.get(3)))).contains("- job_name: order-history-service");
    }

    @Test
    void withTccTheServiceTakesPartInTransactions() throws Exception {
        new NewService(root).create(new NewService.Request("payments", true, 0, "com.acme.payments"));

        Path module = root.resolve("payments-service");
        assertThat(Files.readString(module.resolve("pom.xml"))).contains("<artifactId>platform-tcc</artifactId>")
                .doesNotContain("tcc:");
        assertThat(Files.readString(module.resolve("src/main/resources/application.yml"))).contains("tc-addresses");
        assertThat(module.resolve("src/main/java/com/acme/payments/PaymentsApplication.java")).exists();
        assertThat(Files.readString(root.resolve("docker-compose.yml"))).contains("SLUICE_TCC_TC_ADDRESSES: seata:8091");
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() throws Exception {
        String pom = Files.readString(root.resolve("pom.xml"));
        NewService generator = new NewService(root);

        assertThatIllegalArgumentException().isThrownBy(() -> generator.create(new NewService.Request("Bad_Name", false, 0, null)))
                .withMessageContaining("lower case words joined by dashes");
        assertThatIllegalArgumentException().isThrownBy(() -> generator.create(new NewService.Request("x", false, 8080, null)))
                .withMessageContaining("Port 8080 is taken");
        assertThatIllegalArgumentException().isThrownBy(() -> generator.create(new NewService.Request("x", false, 0, "Not.A.Package")))
                .withMessageContaining("--package");
        Files.writeString(root.resolve("docker-compose.yml"),
                Files.readString(root.resolve("docker-compose.yml")).replace(NewService.COMPOSE_MARK, ""));
        assertThatIllegalStateException().isThrownBy(() -> generator.create(new NewService.Request("x", false, 0, null)))
                .withMessageContaining("docker-compose.yml has no line");

        assertThat(root.resolve("x-service")).doesNotExist();
        assertThat(Files.readString(root.resolve("pom.xml"))).isEqualTo(pom);
    }
}
