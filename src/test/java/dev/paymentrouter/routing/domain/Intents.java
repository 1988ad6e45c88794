package dev.paymentrouter.routing.domain;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Routing requests for tests: a plain EUR card intent, changed one fact at a time. */
record Intents(
    String intentId,
    String merchantId,
    long amountMinor,
    String currency,
    String paymentMethodType,
    String country,
    Map<String, String> metadata) {

  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  /** 12.99 EUR by card from Germany, merchant m1, no metadata. */
  static Intents intent() {
    return new Intents("pi_1", "m1", 1299, "EUR", "card", "DE", Map.of());
  }

  Intents id(String id) {
    return new Intents(id, merchantId, amountMinor, currency, paymentMethodType, country, metadata);
  }

  Intents merchant(String merchant) {
    return new Intents(intentId, merchant, amountMinor, currency, paymentMethodType, country, metadata);
  }

  Intents amount(long amount) {
    return new Intents(intentId, merchantId, amount, currency, paymentMethodType, country, metadata);
  }

  Intents currency(String code) {
    return new Intents(intentId, merchantId, amountMinor, code, paymentMethodType, country, metadata);
  }

  Intents method(String type) {
    return new Intents(intentId, merchantId, amountMinor, currency, type, country, metadata);
  }

  Intents country(String code) {
    return new Intents(intentId, merchantId, amountMinor, currency, paymentMethodType, code, metadata);
  }

  Intents meta(String key, String value) {
    Map<String, String> more = new HashMap<>(metadata);
    more.put(key, value);
    return new Intents(intentId, merchantId, amountMinor, currency, paymentMethodType, country, more);
  }

  RoutingRequest request() {
    return new RoutingRequest(intentId, merchantId, amountMinor, currency, paymentMethodType, country, metadata);
  }

  @Override
  public String toString() {
    return request().toString();
  }

  /**
   * {@code count} ids shaped like the router's (pi_, 10 characters of time, 16 random), from a fixed seed so that
   * a failure can be reproduced.
   */
  static List<String> realisticIds(int count) {
    SplittableRandom random = new SplittableRandom(20261127L);
    long millis = 1_795_000_000_000L;
    return IntStream.range(0, count).mapToObj(n -> {
      char[] id = new char[26];
      long time = millis + n * 3L;
      for (int i = 9; i >= 0; i--) {
        id[i] = CROCKFORD[(int) (time & 31)];
        time >>>= 5;
      }
      for (int i = 10; i < 26; i++) {
        id[i] = CROCKFORD[random.nextInt(32)];
      }
      return "pi_" + new String(id);
    }).toList();
  }

  /** {@code count} ids that differ only in a counter at the end: the least random ids there can be. */
  static List<String> sequentialIds(int count) {
    return IntStream.range(0, count).mapToObj(n -> "pi_T" + n).toList();
  }
}
