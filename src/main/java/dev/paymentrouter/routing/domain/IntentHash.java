package dev.paymentrouter.routing.domain;

import java.nio.charset.StandardCharsets;

/**
 * A stable hash of text such as an intent id: FNV-1a 64 over the UTF-8 bytes, then MurmurHash3's 64-bit finalizer.
 * Stable means the same on every node, JVM and restart (unlike {@code String.hashCode} seeds or a {@code Random}),
 * so a replayed or failed-over intent draws the same split and the same exploration as its first routing.
 */
final class IntentHash {

  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private IntentHash() {}

  /** The raw FNV-1a 64 hash. */
  static long fnv1a64(String text) {
    long hash = FNV_OFFSET_BASIS;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return hash;
  }

  /** FNV-1a followed by the finalizer. */
  static long of(String text) {
    // FNV's multiplication only carries upwards, so its low bits depend only on the low bits of the input; the
    // finalizer spreads every input bit over every output bit before we take remainders or fractions.
    long h = fnv1a64(text);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** A bucket in {@code [0, buckets)}. */
  static long bucket(String text, long buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1");
    }
    return Long.remainderUnsigned(of(text), buckets);
  }

  /** A number in {@code [0, 1)}. */
  static double unit(String text) {
    return (of(text) >>> 11) * 0x1.0p-53;
  }
}
