package io.rhei;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module map as executable rules, over the main classes of every module the facade puts together (tests,
 * benchmarks and the CLI are outside: they may use {@code testing}).
 */
class ArchitectureTest {
    /** The library's main classes (from the modules' jars or class directories), the testing helpers left out. */
    private static final JavaClasses LIBRARY = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.rhei")
            .that(com.tngtech.archunit.base.DescribedPredicate.describe("not a testing helper",
                    c -> !c.getPackageName().startsWith("io.rhei.testing")));

    @Test
    void syncCoreDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("io.rhei.core..").should().dependOnClassesThat()
                .resideInAnyPackage("io.rhei.cdc..", "io.rhei.storage..", "io.rhei.olap..", "io.rhei.server..", "io.rhei.cli..", "io.rhei.testing..",
                        "io.rhei.bench..")
                .check(LIBRARY);
    }

    @Test
    void storageNeverDependsOnTheQueryEngine() {
        noClasses().that().resideInAPackage("io.rhei.storage..").should().dependOnClassesThat().resideInAnyPackage("io.rhei.olap..", "io.rhei.cdc..")
                .check(LIBRARY);
    }

    @Test
    void theServersDependOnTheQueryContractNotOnTheEngine() {
        noClasses().that().resideInAPackage("io.rhei.server..").should().dependOnClassesThat()
                .resideInAnyPackage("io.rhei.olap..", "io.rhei.storage..", "io.rhei.cdc..").check(LIBRARY);
    }

    @Test
    void nothingInTheLibraryDependsOnTheCliOrOnTestingHelpers() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.rhei.cli..", "io.rhei.testing..", "io.rhei.bench..").check(LIBRARY);
    }

    @Test
    void theQueryStagesDependBackwardsOnly() {
        // sql → optimizer → physical → exec, as DataFusion's own stages; statistics serve the optimizer and lowering
        noClasses().that().resideInAPackage("io.rhei.olap.exec..").should().dependOnClassesThat()
                .resideInAnyPackage("io.rhei.olap.sql..", "io.rhei.olap.optimizer..", "io.rhei.olap.physical..", "io.rhei.olap.stats..").check(LIBRARY);
        noClasses().that().resideInAPackage("io.rhei.olap.optimizer..").should().dependOnClassesThat()
                .resideInAnyPackage("io.rhei.olap.physical..", "io.rhei.olap.exec..").check(LIBRARY);
        noClasses().that().resideInAnyPackage("io.rhei.olap.optimizer..", "io.rhei.olap.physical..", "io.rhei.olap.stats..")
                .should().dependOnClassesThat().haveSimpleName("SqlPlanner").check(LIBRARY);
    }
}
