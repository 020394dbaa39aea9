package dev.sluice.gateway.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The gateway's packages form no cycle: the route model knows no policy, each policy package depends on the model
 * and never the other way, and the wiring sits on top. A new import that closes a loop fails here, naming it.
 */
class PackageCyclesTest {

    @Test
    void theGatewaysPackagesFormNoCycle() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sluice.gateway");
        slices().matching("dev.sluice.gateway.(*)..").should().beFreeOfCycles().check(classes);
    }
}
