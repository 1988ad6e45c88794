package dev.paymentrouter.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Who an operator token names, which tokens the router refuses to start with, and local mode's own operator. */
@ExtendWith(OutputCaptureExtension.class)
class OperatorTokensTest {

  static final String ALICE = "alice-token-0123456789abcdef";
  static final String BOB = "bob-token-0123456789abcdef-xyz";

  final OperatorTokens tokens = new OperatorProperties(Map.of("alice", ALICE, "bob", BOB)).toTokens();

  @Test
  void namesTheOperatorWhoseTokenTheHeaderCarries() {
    assertThat(tokens.operatorFor("Bearer " + ALICE)).contains("alice");
    assertThat(tokens.operatorFor("bearer " + BOB)).contains("bob");
    assertThat(tokens.operators()).containsExactly("alice", "bob");
  }

  @Test
  void namesNobodyForAMissingMalformedOrUnknownCredential() {
    assertThat(tokens.operatorFor(null)).isEmpty();
    assertThat(tokens.operatorFor("")).isEmpty();
    assertThat(tokens.operatorFor("Bearer ")).isEmpty();
    assertThat(tokens.operatorFor(ALICE)).isEmpty();
    assertThat(tokens.operatorFor("Basic " + ALICE)).isEmpty();
    assertThat(tokens.operatorFor("Bearer " + ALICE.substring(1))).isEmpty();
    assertThat(tokens.operatorFor("Bearer " + ALICE + "x")).isEmpty();
    assertThat(tokens.operatorFor("Bearer " + ALICE.toUpperCase())).isEmpty();
  }

  @Test
  void namesTheTokensOperatorForBasicWithTheTokenAsPasswordWhateverTheUserName() {
    assertThat(tokens.operatorFor("Basic " + basic("op", ALICE))).contains("alice");
    // The user name proves nothing: who acted is whose token it was.
    assertThat(tokens.operatorFor("basic " + basic("alice", BOB))).contains("bob");
    assertThat(tokens.operatorFor("Basic " + basic("", ALICE))).contains("alice");
  }

  @Test
  void namesNobodyForBasicWithAWrongTokenOrMalformedCredentials() {
    assertThat(tokens.operatorFor("Basic " + basic("alice", ALICE.substring(1)))).isEmpty();
    assertThat(tokens.operatorFor("Basic " + basic("alice", ""))).isEmpty();
    // The token as the user name, no password: not how Basic carries it.
    assertThat(tokens.operatorFor("Basic " + java.util.Base64.getEncoder().encodeToString(ALICE.getBytes()))).isEmpty();
    assertThat(tokens.operatorFor("Basic not*base64!")).isEmpty();
    assertThat(tokens.operatorFor("Basic ")).isEmpty();
    assertThat(tokens.operatorFor("Basic " + basic("op", ALICE).substring(1))).isEmpty();
  }

  private static String basic(String user, String password) {
    return java.util.Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void refusesToStartOnTokensTooShortOrBadNamesListingEveryProperty() {
    OperatorProperties properties = new OperatorProperties(Map.of(
        "alice", "short", "bob", "x".repeat(23), "carol", "x".repeat(24), "Dave Smith", ALICE));
    assertThatThrownBy(properties::toTokens)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("payment-router.operator.tokens.alice: the token must have at least 24 characters, has 5")
        .hasMessageContaining("payment-router.operator.tokens.bob: the token must have at least 24 characters, has 23")
        .hasMessageContaining("payment-router.operator.tokens.Dave Smith: the operator name must be")
        .hasMessageNotContaining("carol")
        // The tokens themselves never reach a message.
        .hasMessageNotContaining(ALICE);
  }

  @Test
  void neverShowsATokenInItsTextForm() {
    OperatorProperties properties = new OperatorProperties(Map.of("alice", ALICE));
    assertThat(properties.toString()).contains("alice").doesNotContain(ALICE);
    assertThat(properties.toTokens().toString()).contains("alice").doesNotContain(ALICE);
  }

  @Test
  void bindsOneOperatorPerEnvironmentVariable() {
    SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
        "PAYMENTROUTER_OPERATOR_TOKENS_ALICE", ALICE, "PAYMENTROUTER_OPERATOR_TOKENS_BOB", BOB));
    OperatorProperties properties = new Binder(ConfigurationPropertySources.from(environment))
        .bindOrCreate(OperatorProperties.PREFIX, OperatorProperties.class);
    assertThat(properties.tokens()).containsOnlyKeys("alice", "bob");
    assertThat(properties.toTokens().operatorFor("Bearer " + BOB)).contains("bob");
  }

  @Test
  void localModeMakesUpAnOperatorTokenAndPrintsItWhenNoneIsConfigured(CapturedOutput output) throws Exception {
    OperatorConfiguration configuration = new OperatorConfiguration();
    OperatorTokens local = configuration.operatorTokens(new OperatorProperties(Map.of()),
        environment(Map.of("payment-router.local-mode", "true")));
    String token = local.madeUpToken().orElseThrow();
    assertThat(token).startsWith("op_").hasSizeGreaterThanOrEqualTo(OperatorProperties.MIN_TOKEN_LENGTH);
    assertThat(local.operatorFor("Bearer " + token)).contains(OperatorConfiguration.LOCAL_OPERATOR);

    ApplicationRunner print = configuration.printLocalOperatorToken(local);
    print.run(new DefaultApplicationArguments());
    assertThat(output.getOut()).contains("Operator token: " + token);
  }

  @Test
  void localModeUsesAConfiguredTokenAndMakesUpNone(CapturedOutput output) throws Exception {
    OperatorConfiguration configuration = new OperatorConfiguration();
    OperatorTokens configured = configuration.operatorTokens(new OperatorProperties(Map.of("alice", ALICE)),
        environment(Map.of("payment-router.local-mode", "true")));
    assertThat(configured.madeUpToken()).isEmpty();
    assertThat(configured.operators()).containsExactly("alice");
    configuration.printLocalOperatorToken(configured).run(new DefaultApplicationArguments());
    assertThat(output.getOut()).doesNotContain("Operator token:");
  }

  @Test
  void outsideLocalModeNoConfiguredTokenMeansNoOperatorAtAll() {
    OperatorTokens none = new OperatorConfiguration().operatorTokens(new OperatorProperties(Map.of()),
        environment(Map.of()));
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.madeUpToken()).isEmpty();
    assertThat(none.operatorFor("Bearer op_anything_at_all_0123456789")).isEmpty();
  }

  private static StandardEnvironment environment(Map<String, Object> properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
    return environment;
  }
}
