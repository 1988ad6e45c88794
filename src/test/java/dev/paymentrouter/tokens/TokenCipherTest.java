package dev.paymentrouter.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.tokens.TokenCipher.Opened;
import dev.paymentrouter.tokens.TokenCipher.Sealed;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TokenCipherTest {

  static final String INTENT = "pi_01M8EA1VSR4Q5WA3CSZWDD073M";
  static final String TOKEN = "tok_4242_visa_of_a_customer";

  static byte[] key(int seed) {
    byte[] key = new byte[TokenCipher.KEY_BYTES];
    Arrays.fill(key, (byte) seed);
    return key;
  }

  static TokenCipher ring(String active, String... ids) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String id : ids) {
      keys.put(id, key(id.hashCode()));
    }
    return new TokenCipher(keys, active);
  }

  @Test
  void aSealedTokenOpensToTheSameTokenForItsIntent() {
    TokenCipher cipher = ring("k1", "k1");
    Sealed sealed = cipher.seal(INTENT, TOKEN);

    assertThat(sealed.keyId()).isEqualTo("k1");
    assertThat(cipher.open(INTENT, sealed)).isEqualTo(new Opened.Token(TOKEN));
  }

  @Test
  void theSealedFormIsNonceCiphertextAndTagAndNeverContainsTheToken() {
    Sealed sealed = ring("k1", "k1").seal(INTENT, TOKEN);

    byte[] plain = TOKEN.getBytes(StandardCharsets.UTF_8);
    assertThat(sealed.data()).hasSize(TokenCipher.NONCE_BYTES + plain.length + TokenCipher.TAG_BYTES);
    assertThat(new String(sealed.data(), StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);
    assertThat(HexFormat.of().formatHex(sealed.data())).doesNotContain(HexFormat.of().formatHex(plain));
  }

  @Test
  void everySealOfTheSameTokenUsesAFreshNonce() {
    TokenCipher cipher = ring("k1", "k1");
    Set<String> nonces = new HashSet<>();
    Set<String> sealedForms = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      byte[] data = cipher.seal(INTENT, TOKEN).data();
      nonces.add(HexFormat.of().formatHex(data, 0, TokenCipher.NONCE_BYTES));
      sealedForms.add(HexFormat.of().formatHex(data));
    }
    assertThat(nonces).hasSize(1_000);
    assertThat(sealedForms).hasSize(1_000);
  }

  @Test
  void aTokenSealedForOneIntentDoesNotOpenForAnother() {
    TokenCipher cipher = ring("k1", "k1");
    Sealed sealed = cipher.seal(INTENT, TOKEN);

    // A ciphertext copied onto another intent's row is refused: the intent id is authenticated with it.
    assertThat(cipher.open("pi_01M8EA1VSR4Q5WA3CSZWDD0ZZZ", sealed))
        .isEqualTo(new Opened.Unreadable("authentication_failed"));
  }

  @Test
  void aKeyIdThatIsNotConfiguredOpensNothing() {
    Sealed sealed = ring("k1", "k1").seal(INTENT, TOKEN);

    assertThat(ring("k2", "k2").open(INTENT, sealed)).isEqualTo(new Opened.Unreadable("unknown_key"));
    assertThat(ring("k1", "k1").open(INTENT, null, sealed.data())).isEqualTo(new Opened.Unreadable("unknown_key"));
  }

  @Test
  void anotherKeyUnderTheSameIdOpensNothing() {
    Sealed sealed = ring("k1", "k1").seal(INTENT, TOKEN);
    TokenCipher replaced = new TokenCipher(Map.of("k1", key(99)), "k1");

    assertThat(replaced.open(INTENT, sealed)).isEqualTo(new Opened.Unreadable("authentication_failed"));
  }

  @Test
  void anyChangedByteOfTheSealedFormIsDetected() {
    TokenCipher cipher = ring("k1", "k1");
    Sealed sealed = cipher.seal(INTENT, TOKEN);
    for (int i = 0; i < sealed.data().length; i++) {
      byte[] tampered = sealed.data().clone();
      tampered[i] ^= 0x01;
      assertThat(cipher.open(INTENT, "k1", tampered)).as("byte %d flipped", i)
          .isEqualTo(new Opened.Unreadable("authentication_failed"));
    }
    byte[] truncated = Arrays.copyOf(sealed.data(), sealed.data().length - 1);
    assertThat(cipher.open(INTENT, "k1", truncated)).isInstanceOf(Opened.Unreadable.class);
    assertThat(cipher.open(INTENT, "k1", new byte[5])).isEqualTo(new Opened.Unreadable("malformed"));
  }

  @Test
  void afterARotationTokensSealedWithTheOldKeyStillOpenAndNewOnesUseTheNewKey() {
    Map<String, byte[]> before = Map.of("k2025", key(1));
    Sealed old = new TokenCipher(before, "k2025").seal(INTENT, TOKEN);

    // Step 1 of a rotation: the new key is added and made active; the old one stays to decrypt.
    Map<String, byte[]> both = new LinkedHashMap<>(before);
    both.put("k2026", key(2));
    TokenCipher rotated = new TokenCipher(both, "k2026");
    Sealed fresh = rotated.seal(INTENT, TOKEN);

    assertThat(fresh.keyId()).isEqualTo("k2026");
    assertThat(rotated.open(INTENT, old)).isEqualTo(new Opened.Token(TOKEN));
    assertThat(rotated.open(INTENT, fresh)).isEqualTo(new Opened.Token(TOKEN));
    // Step 2, once no open intent holds a token of the old key: it is removed, and what it sealed is unreadable.
    TokenCipher retired = new TokenCipher(Map.of("k2026", key(2)), "k2026");
    assertThat(retired.open(INTENT, fresh)).isEqualTo(new Opened.Token(TOKEN));
    assertThat(retired.open(INTENT, old)).isEqualTo(new Opened.Unreadable("unknown_key"));
  }

  @Test
  void sealsAndOpensFromManyThreadsAtOnce() throws Exception {
    TokenCipher cipher = ring("k1", "k1");
    Thread[] threads = new Thread[8];
    Set<Throwable> failures = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (int t = 0; t < threads.length; t++) {
      String intent = INTENT.substring(0, INTENT.length() - 1) + t;
      threads[t] = Thread.ofPlatform().start(() -> {
        try {
          for (int i = 0; i < 2_000; i++) {
            String token = TOKEN + i;
            assertThat(cipher.open(intent, cipher.seal(intent, token))).isEqualTo(new Opened.Token(token));
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void refusesAShortKeyAndAnActiveKeyThatIsNotInTheRing() {
    assertThatThrownBy(() -> new TokenCipher(Map.of("k1", new byte[16]), "k1"))
        .hasMessageContaining("k1").hasMessageContaining("16 bytes");
    assertThatThrownBy(() -> new TokenCipher(Map.of("k1", key(1)), "k2"))
        .hasMessageContaining("k2").hasMessageContaining("[k1]");
  }

  @Test
  void anOpenedTokenDoesNotShowItselfInToString() {
    assertThat(new Opened.Token(TOKEN).toString()).doesNotContain(TOKEN);
  }
}
