package dev.paymentrouter.routing.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntentHashTest {

  @Test
  void isFnv1a64OverUtf8() {
    // Reference values of the FNV-1a 64-bit hash.
    assertThat(IntentHash.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
    assertThat(IntentHash.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(IntentHash.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
    // UTF-8, not UTF-16 chars: "é" is the two bytes C3 A9.
    assertThat(IntentHash.fnv1a64("é")).isEqualTo(
        (((0xcbf29ce484222325L ^ 0xc3) * 0x100000001b3L) ^ 0xa9) * 0x100000001b3L);
  }

  @Test
  void isTheSameForAnIdOnEveryRunAndEveryNode() {
    assertThat(IntentHash.of("pi_01M8EA1VSR4Q5WA3CSZWDD073M")).isEqualTo(0x314313bfa379a645L);
  }

  @Test
  void bucketsAndFractionsStayInRange() {
    for (String id : Intents.realisticIds(1_000)) {
      assertThat(IntentHash.bucket(id, 7)).isBetween(0L, 6L);
      assertThat(IntentHash.unit(id)).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
    }
  }
}
