package dev.paymentrouter.webhook.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook delivery as the Standard Webhooks specification says: {@code webhook-signature} is
 * {@code v1,} and the base64 of HMAC-SHA256(key, id + "." + timestamp + "." + body), one such entry per active
 * secret, space-separated, so that a receiver holding either secret during a rotation accepts the delivery. The id
 * and the time come in as data (the id is the event's: a retry carries the same id, which lets receivers dedupe).
 *
 * @see <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>
 */
public final class WebhookSigner {

  /** Header names of the specification (unbranded). */
  public static final String ID = "webhook-id";
  public static final String TIMESTAMP = "webhook-timestamp";
  public static final String SIGNATURE = "webhook-signature";

  private static final String ALGORITHM = "HmacSHA256";

  // A Mac is not thread-safe and getInstance looks the provider up each time: one per thread, keyed per call.
  private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance(ALGORITHM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has " + ALGORITHM, e);
    }
  });

  /**
   * The three headers of one delivery.
   *
   * @param id        {@code webhook-id}: the event's id
   * @param timestamp {@code webhook-timestamp}: Unix seconds of this attempt
   * @param signature {@code webhook-signature}: one {@code v1,...} per secret, space-separated
   */
  public record Headers(String id, long timestamp, String signature) {}

  private WebhookSigner() {}

  /** The headers of a delivery of {@code body} (its exact bytes as sent) signed with every one of {@code secrets}. */
  public static Headers sign(String id, long unixSeconds, byte[] body, List<WebhookSecret> secrets) {
    Objects.requireNonNull(id, "id");
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("a delivery is signed with at least one secret");
    }
    byte[] prefix = (id + "." + unixSeconds + ".").getBytes(StandardCharsets.UTF_8);
    List<String> signatures = new ArrayList<>(secrets.size());
    for (WebhookSecret secret : secrets) {
      signatures.add("v1," + Base64.getEncoder().encodeToString(hmac(secret, prefix, body)));
    }
    return new Headers(id, unixSeconds, String.join(" ", signatures));
  }

  /** The same for a body given as text, sent as UTF-8. */
  public static Headers sign(String id, long unixSeconds, String body, List<WebhookSecret> secrets) {
    return sign(id, unixSeconds, body.getBytes(StandardCharsets.UTF_8), secrets);
  }

  private static byte[] hmac(WebhookSecret secret, byte[] prefix, byte[] body) {
    Mac mac = MACS.get();
    byte[] key = secret.key();
    try {
      mac.init(new SecretKeySpec(key, ALGORITHM));
    } catch (InvalidKeyException e) {
      // HMAC takes a key of any length; only a broken JDK gets here.
      throw new IllegalStateException("HMAC-SHA256 refused its key", e);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
    mac.update(prefix);
    return mac.doFinal(body);
  }
}
