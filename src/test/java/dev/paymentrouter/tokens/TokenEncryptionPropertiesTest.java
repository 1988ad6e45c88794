package dev.paymentrouter.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** The router refuses to start on a token-encryption mistake, and says which property is wrong (never its value). */
class TokenEncryptionPropertiesTest {

  static final String KEY_1 = Base64.getEncoder().encodeToString(new byte[32]);
  static final String KEY_2 = Base64.getEncoder().encodeToString("another-key-of-exactly-32-bytes!".getBytes());

  static TokenEncryptionProperties properties(Map<String, String> keys, String active) {
    return new TokenEncryptionProperties(keys, active, Path.of("target", "unused.key"));
  }

  @Test
  void twoKeysOneActiveMakeARingThatSealsWithTheActiveOne() {
    TokenCipher cipher = properties(Map.of("k1", KEY_1, "k2", KEY_2), "k2").toCipher();

    assertThat(cipher.activeKeyId()).isEqualTo("k2");
    assertThat(cipher.keyIds()).containsExactlyInAnyOrder("k1", "k2");
  }

  @Test
  void listsEveryMistakeWithItsPropertyAndNoKeyMaterial() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("k1", "not base64 at all!");
    keys.put("k2", Base64.getEncoder().encodeToString(new byte[16]));
    keys.put("K-3", KEY_2);

    assertThatThrownBy(() -> properties(keys, "k4").toCipher())
        .isInstanceOf(TokenEncryptionException.class)
        .hasMessageContaining("payment-router.token-encryption.keys.k1: not base64")
        .hasMessageContaining("payment-router.token-encryption.keys.k2: decodes to 16 bytes")
        .hasMessageContaining("payment-router.token-encryption.keys.K-3: a key id is 1 to 40 lower-case")
        .hasMessageContaining("payment-router.token-encryption.active-key: k4 is not among the keys")
        .hasMessageNotContaining("not base64 at all!")
        .hasMessageNotContaining(KEY_2);
  }

  @Test
  void keysWithoutAnActiveOneOrAnActiveOneWithoutKeysAreRefused() {
    assertThatThrownBy(() -> properties(Map.of("k1", KEY_1), null).toCipher())
        .hasMessageContaining("payment-router.token-encryption.active-key: not set");
    assertThatThrownBy(() -> properties(Map.of(), "k1").toCipher())
        .hasMessageContaining("payment-router.token-encryption.keys: no key is configured");
  }

  @Test
  void withoutAnyKeyADeploymentRefusesToStartAndSaysWhatToSet() {
    MockEnvironment deployment = new MockEnvironment();

    assertThatThrownBy(() -> new TokenEncryptionConfiguration().tokenCipher(properties(Map.of(), null), deployment))
        .isInstanceOf(TokenEncryptionException.class)
        .hasMessageContaining("PAYMENTROUTER_TOKENENCRYPTION_KEYS_")
        .hasMessageContaining("PAYMENTROUTER_TOKENENCRYPTION_ACTIVEKEY");
  }

  @Test
  void localModeGeneratesAKeyOnceAndKeepsItAcrossRestarts(@TempDir Path directory) throws Exception {
    MockEnvironment local = new MockEnvironment().withProperty("payment-router.local-mode", "true");
    Path file = directory.resolve("local-token-encryption.key");
    TokenEncryptionProperties none = new TokenEncryptionProperties(Map.of(), null, file);

    TokenCipher first = new TokenEncryptionConfiguration().tokenCipher(none, local);
    TokenCipher.Sealed sealed = first.seal("pi_LOCAL", "tok_local");
    TokenCipher afterRestart = new TokenEncryptionConfiguration().tokenCipher(none, local);

    assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
    assertThat(afterRestart.open("pi_LOCAL", sealed)).isEqualTo(new TokenCipher.Opened.Token("tok_local"));
  }

  @Test
  void configuredKeysWinOverLocalModesOwnKey(@TempDir Path directory) {
    MockEnvironment local = new MockEnvironment().withProperty("payment-router.local-mode", "true");
    Path file = directory.resolve("local.key");

    TokenCipher cipher = new TokenEncryptionConfiguration()
        .tokenCipher(new TokenEncryptionProperties(Map.of("k1", KEY_1), "k1", file), local);

    assertThat(cipher.activeKeyId()).isEqualTo("k1");
    assertThat(file).doesNotExist();
  }

  @Test
  void theKeysStayOutOfToString() {
    assertThat(properties(Map.of("k1", KEY_1), "k1").toString()).contains("k1").doesNotContain(KEY_1);
  }
}
