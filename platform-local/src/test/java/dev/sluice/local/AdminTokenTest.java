package dev.sluice.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AdminTokenTest {

    @TempDir
    Path runDir;

    @Test
    void theEnvironmentsTokenIsUsedAsGivenAndWrittenNowhere() {
        AdminToken token = AdminToken.resolve(Map.of(AdminToken.VARIABLE, " s3cret "), runDir);
        assertThat(token.value()).isEqualTo("s3cret");
        assertThat(token.file()).isNull();
        assertThat(runDir.resolve("admin-token")).doesNotExist();
        assertThat(token.describe()).isEqualTo("admin token: from SLUICE_ADMIN_TOKEN").doesNotContain("s3cret");
        // The gateway gets the hash only.
        assertThat(String.join(" ", token.gatewayArguments())).doesNotContain("s3cret")
                .contains("sha256=" + token.sha256());
    }

    @Test
    void withoutOneATokenIsGeneratedKeptOwnerOnlyAndReused() throws Exception {
        AdminToken first = AdminToken.resolve(Map.of(), runDir);
        Path file = runDir.resolve("admin-token");
        assertThat(first.file()).isEqualTo(file);
        assertThat(first.value()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(Files.readString(file).trim()).isEqualTo(first.value());
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(first.describe()).contains(first.value(), file.toString());

        AdminToken again = AdminToken.resolve(Map.of(), runDir);
        assertThat(again.value()).isEqualTo(first.value());
        assertThat(AdminToken.resolve(Map.of(), runDir.resolve("other")).value()).isNotEqualTo(first.value());
    }

    @Test
    void theHashIsTheHexSha256OfTheToken() {
        // echo -n abc | sha256sum
        assertThat(new AdminToken("abc", null).sha256())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
