package dev.paymentrouter.webhook.domain;

import java.util.Arrays;
import java.util.Base64;

/**
 * An endpoint's signing secret: {@code whsec_} and the base64 of its key, as the Standard Webhooks libraries take it.
 * The key is random bytes chosen by the caller (randomness comes in as data); {@link #toString()} never shows it.
 */
public final class WebhookSecret {

  /** The prefix of a secret's text form. */
  public static final String PREFIX = "whsec_";
  /** Bytes of a key the router generates: as many as HMAC-SHA256's block of output. */
  public static final int KEY_BYTES = 32;

  private final byte[] key;

  private WebhookSecret(byte[] key) {
    this.key = key.clone();
  }

  /** A secret with this key (copied); at least 24 bytes, as the specification asks of a secret's entropy. */
  public static WebhookSecret ofKey(byte[] key) {
    if (key.length < 24 || key.length > 64) {
      throw new IllegalArgumentException("a webhook signing key has 24 to 64 bytes, not " + key.length);
    }
    return new WebhookSecret(key);
  }

  /** The secret of a {@code whsec_...} text; the message of a refusal never repeats the text. */
  public static WebhookSecret parse(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a webhook secret is " + PREFIX + " and base64");
    }
    return ofKey(key);
  }

  /** The text shown to the merchant once, and sealed at rest. */
  public String text() {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The HMAC key: a copy, the caller may wipe it. */
  public byte[] key() {
    return key.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WebhookSecret secret && Arrays.equals(key, secret.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "WebhookSecret[***]";
  }
}
