package io.roomcast.build;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The server's layering, held on its compiled classes (docs/architecture.md, "Packages"): the gateway and the brokers
 * meet only on the bus contract, the protocol and the settings depend on nothing of ours, and only the Redis broker
 * knows the Redis client. Each rule fails on one forbidden arrow, naming the class and the dependency.
 */
class ArchitectureTest {
  private static final JavaClasses SERVER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.roomcast");

  @Test
  @DisplayName("the gateway and the HTTP routes reach rooms only through the bus: never a broker class")
  void gatewayNeverReachesTheBrokers() {
    assertHolds(noClasses().that().resideInAnyPackage("io.roomcast.gateway..", "io.roomcast.http..")
        .should().dependOnClassesThat().resideInAnyPackage("io.roomcast.bridge.."));
  }

  @Test
  @DisplayName("the brokers know nothing of the gateway or the HTTP routes")
  void brokersNeverReachTheGateway() {
    assertHolds(noClasses().that().resideInAnyPackage("io.roomcast.bridge..")
        .should().dependOnClassesThat().resideInAnyPackage("io.roomcast.gateway..", "io.roomcast.http.."));
  }

  @Test
  @DisplayName("the protocol depends on nothing of ours")
  void protocolStandsAlone() {
    assertHolds(noClasses().that().resideInAPackage("io.roomcast.protocol..")
        .should().dependOnClassesThat(oursOutside("io.roomcast.protocol..")));
  }

  @Test
  @DisplayName("the settings depend on nothing of ours")
  void configStandsAlone() {
    assertHolds(noClasses().that().resideInAPackage("io.roomcast.config..")
        .should().dependOnClassesThat(oursOutside("io.roomcast.config..")));
  }

  @Test
  @DisplayName("the bus contract and the operations support know only the protocol and the settings")
  void busAndOpsSitBelowTheParts() {
    assertHolds(noClasses().that().resideInAnyPackage("io.roomcast.bus..", "io.roomcast.ops..")
        .should().dependOnClassesThat().resideInAnyPackage("io.roomcast.gateway..", "io.roomcast.http..",
            "io.roomcast.bridge..", "io.roomcast.bench.."));
  }

  @Test
  @DisplayName("only the Redis broker uses the Redis client")
  void redisClientStaysInTheRedisBroker() {
    assertHolds(noClasses().that().resideOutsideOfPackage("io.roomcast.bridge.redis..")
        .should().dependOnClassesThat().resideInAPackage("io.vertx.redis.."));
  }

  @Test
  @DisplayName("no two packages depend on each other")
  void noPackageCycles() {
    assertHolds(slices().matching("io.roomcast.(**)").should().beFreeOfCycles());
  }

  /** A class of the server's outside {@code allowed}. */
  private static DescribedPredicate<JavaClass> oursOutside(String allowed) {
    return resideInAPackage("io.roomcast..").and(not(resideInAPackage(allowed)))
        .as("are ours but outside " + allowed);
  }

  /** Fails with every violation of {@code rule}, each naming the class and the dependency. */
  private static void assertHolds(ArchRule rule) {
    rule.check(SERVER);
  }
}
