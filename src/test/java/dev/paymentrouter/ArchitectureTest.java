package dev.paymentrouter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The shape of the code that the design relies on. */
@AnalyzeClasses(packages = "dev.paymentrouter", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** The functional core: no framework, no I/O, no concurrency library. */
  @ArchTest
  static final ArchRule domainIsPure = noClasses()
      .that().resideInAPackage("..domain..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "org.springframework..", "reactor..", "io.r2dbc..", "java.sql..", "javax.sql..", "io.netty..",
          "java.net.http..", "tools.jackson..", "com.fasterxml..", "io.github.resilience4j..",
          "io.github.bucket4j..", "io.micrometer..", "org.slf4j..")
      .because("decide/evolve and routing are pure functions that tests run without any runtime");

  /** Time and randomness come into the domain as data. */
  @ArchTest
  static final ArchRule domainTakesTimeAsData = noClasses()
      .that().resideInAPackage("..domain..")
      .should().callMethod(java.time.Instant.class, "now")
      .orShould().callMethod(java.lang.System.class, "currentTimeMillis")
      .orShould().callConstructor(java.util.Random.class)
      .orShould().callConstructor(java.security.SecureRandom.class)
      .because("the domain must give the same answer for the same input");

  /** Jackson 2 is on the classpath through Flyway; the application speaks Jackson 3 only. */
  @ArchTest
  static final ArchRule noJackson2 = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson.databind..",
          "com.fasterxml.jackson.core..")
      .because("WebFlux uses Jackson 3 (tools.jackson); mixing in Jackson 2 gives two JSON configurations");

  /** Domains never reach into runtime or adapters. */
  @ArchTest
  static final ArchRule domainDoesNotDependOnRuntime = noClasses()
      .that().resideInAPackage("..domain..")
      .should().dependOnClassesThat().resideInAnyPackage("..runtime..", "..api..", "..connector..",
          "..simulator..", "..platform..")
      .because("dependencies point inwards, towards the functional core");

  /** The API is a thin layer: it does not talk to providers itself. */
  @ArchTest
  static final ArchRule apiDoesNotCallProviders = noClasses()
      .that().resideInAPackage("..api..")
      .should().dependOnClassesThat().resideInAnyPackage("..provider.connector..", "..provider.runtime..")
      .because("provider calls belong to intent processes through the provider supervisors");

  /**
   * The Stripe-compatible door translates Stripe's requests into the router's intent commands: a payment it takes
   * goes wherever the router's rules send it, never straight to Stripe.
   */
  @ArchTest
  static final ArchRule stripeDoorDoesNotCallProviders = noClasses()
      .that().resideInAPackage("..stripeapi..")
      .should().dependOnClassesThat().resideInAnyPackage("..provider.connector..", "..provider.runtime..",
          "..simulator..", "..routing..")
      .because("routing stays the router's: the door hands payments to the intent runtime like the native API");

  /** No *Service or *Manager god classes. */
  @ArchTest
  static final ArchRule noGodClasses = noClasses()
      .should().haveSimpleNameEndingWith("Service")
      .orShould().haveSimpleNameEndingWith("Manager")
      .because("runtime classes are named after their archetype (process, registry, supervisor, gatekeeper)");
}
