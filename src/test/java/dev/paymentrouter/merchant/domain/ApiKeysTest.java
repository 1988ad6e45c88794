package dev.paymentrouter.merchant.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void generatedKeysAreWellFormedAndDistinct() {
    SplittableRandom random = new SplittableRandom(7);
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String key = ApiKeys.generate(random);
      assertThat(key).startsWith("sk_").hasSize(43);
      assertThat(ApiKeys.isWellFormed(key)).isTrue();
      keys.add(key);
    }
    assertThat(keys).hasSize(1_000);
  }

  @Test
  void refusesMalformedKeysBeforeAnyLookup() {
    assertThat(ApiKeys.isWellFormed(null)).isFalse();
    assertThat(ApiKeys.isWellFormed("")).isFalse();
    assertThat(ApiKeys.isWellFormed("pk_abcdefghijklmnopqrstuvwxyz")).isFalse();
    assertThat(ApiKeys.isWellFormed("sk_short")).isFalse();
    assertThat(ApiKeys.isWellFormed("sk_abcdefghijklmnop' or 1=1")).isFalse();
  }

  @Test
  void storesOnlyAStableOneWayHash() {
    String key = "sk_abcdefghijklmnopqrstuvwxyz0123";
    assertThat(ApiKeys.hash(key)).isEqualTo(ApiKeys.hash(key)).hasSize(64).doesNotContain("abcdefghijklmnop");
    assertThat(ApiKeys.hash(key)).isNotEqualTo(ApiKeys.hash(key + "4"));
    assertThat(ApiKeys.displayPrefix(key)).isEqualTo("sk_abcdef");
  }
}
