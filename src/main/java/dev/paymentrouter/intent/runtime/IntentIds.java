package dev.paymentrouter.intent.runtime;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Intent ids: {@code pi_} and 26 Crockford base-32 characters, 48 bits of milliseconds then 80 random bits.
 * Time first keeps inserts into the primary-key index local; the random part makes ids unguessable.
 */
public final class IntentIds {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final Pattern FORMAT = Pattern.compile("pi_[0-9A-HJKMNP-TV-Z]{26}");
  private static final Pattern REFUND_FORMAT = Pattern.compile("re_[0-9A-HJKMNP-TV-Z]{26}");

  private final Clock clock;
  private final SecureRandom random;

  /** Ids on this clock, from a DRBG seeded once (so no id waits on the operating system's entropy). */
  public IntentIds(Clock clock) {
    this.clock = clock;
    try {
      this.random = SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides DRBG", e);
    }
    // The DRBG seeds itself from the operating system on first use; do that here, not on an event loop.
    random.nextBytes(new byte[1]);
  }

  /** A fresh intent id. */
  public String next() {
    return next("pi_");
  }

  /** A fresh id of the same form under another prefix (a refund's {@code re_}, a capture's or cancel's). */
  public String next(String prefix) {
    long millis = clock.millis();
    byte[] entropy = new byte[10];
    random.nextBytes(entropy);
    char[] out = new char[26];
    // 10 characters of time (50 bits, the top 2 always zero), then 16 characters of randomness (80 bits).
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    long high = 0;
    for (int i = 0; i < 5; i++) {
      high = (high << 8) | (entropy[i] & 0xff);
    }
    long low = 0;
    for (int i = 5; i < 10; i++) {
      low = (low << 8) | (entropy[i] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (high & 31)];
      high >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (low & 31)];
      low >>>= 5;
    }
    return prefix + new String(out);
  }

  /** Whether a string has the shape of an intent id (checked before any lookup). */
  public static boolean isWellFormed(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }

  /** Whether a string has the shape of a refund id. */
  public static boolean isWellFormedRefund(String id) {
    return id != null && REFUND_FORMAT.matcher(id).matches();
  }
}
