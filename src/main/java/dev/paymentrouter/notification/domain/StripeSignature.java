package dev.paymentrouter.notification.domain;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe's webhook signature: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, each {@code v1} an
 * HMAC-SHA256 of {@code t + "." + body} under an endpoint secret ({@code whsec_...}, used as it is: Stripe signs with
 * the secret's bytes, not a decoding of it). Any configured secret may match (rotation keeps two for a while), and
 * the timestamp must lie within the tolerance of now: a signed body replayed later is refused, and one replayed
 * within the window is stored once by its event id.
 */
public final class StripeSignature {

  /** Stripe's own libraries' default tolerance. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  /** Why a notification is refused; none says which secret came close. */
  public enum Failure {
    /** No header, or one without {@code t=} or {@code v1=}. */
    MALFORMED_HEADER,
    /** Signed too long ago (or too far ahead): a replay, or a clock far off. */
    STALE_TIMESTAMP,
    /** No {@code v1} matches any configured secret. */
    NO_MATCH,
    /** Nothing to check against: the provider has no secret configured. */
    NO_SECRET
  }

  private StripeSignature() {}

  /**
   * Checks {@code header} for {@code body} (the raw bytes as received) against {@code secrets} at {@code now};
   * null when it holds, else why not. Comparison is constant-time per candidate.
   */
  public static Failure verify(String header, byte[] body, List<String> secrets, Duration tolerance, Instant now) {
    if (secrets.isEmpty()) {
      return Failure.NO_SECRET;
    }
    if (header == null) {
      return Failure.MALFORMED_HEADER;
    }
    Long timestamp = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      try {
        if (key.equals("t")) {
          timestamp = Long.parseLong(value);
        } else if (key.equals("v1")) {
          signatures.add(HexFormat.of().parseHex(value));
        }
        // v0 (test-mode only, SHA-1 era) and unknown schemes are ignored, as Stripe's libraries do.
      } catch (IllegalArgumentException malformed) {
        return Failure.MALFORMED_HEADER;
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      return Failure.MALFORMED_HEADER;
    }
    Duration age = Duration.between(Instant.ofEpochSecond(timestamp), now).abs();
    if (age.compareTo(tolerance) > 0) {
      return Failure.STALE_TIMESTAMP;
    }
    byte[] payload = signedPayload(timestamp, body);
    boolean matched = false;
    for (String secret : secrets) {
      byte[] expected = hmac(secret.getBytes(StandardCharsets.UTF_8), payload);
      for (byte[] signature : signatures) {
        // Non-short-circuit: every candidate is compared, so timing says nothing about which one matched.
        matched |= MessageDigest.isEqual(expected, signature);
      }
    }
    return matched ? null : Failure.NO_MATCH;
  }

  /** The header Stripe would send for {@code body} signed with {@code secret} at {@code timestamp}. */
  public static String sign(String secret, long timestamp, byte[] body) {
    return "t=" + timestamp + ",v1="
        + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), signedPayload(timestamp, body)));
  }

  private static byte[] signedPayload(long timestamp, byte[] body) {
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] payload = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, payload, 0, prefix.length);
    System.arraycopy(body, 0, payload, prefix.length, body.length);
    return payload;
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
