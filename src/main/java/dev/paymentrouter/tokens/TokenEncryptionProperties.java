package dev.paymentrouter.tokens;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The keys that encrypt payment tokens at rest, under {@code payment-router.token-encryption}. Deployments give
 * them as environment variables from a Secret, e.g. {@code PAYMENTROUTER_TOKENENCRYPTION_KEYS_K2026=<base64>} and
 * {@code PAYMENTROUTER_TOKENENCRYPTION_ACTIVEKEY=k2026}.
 *
 * @param keys         key id to the base64 of 32 random bytes; ids are lower-case letters and digits, because
 *                     environment variables cannot spell anything else. Keep every key that may still be stored
 *                     beside a token of an open intent
 * @param activeKey    the id of the key that encrypts new tokens
 * @param localKeyFile local mode only, when no key is configured: where the generated local key is kept, so that
 *                     open intents stay readable across restarts
 */
@ConfigurationProperties(TokenEncryptionProperties.PREFIX)
public record TokenEncryptionProperties(
    Map<String, String> keys,
    String activeKey,
    @DefaultValue("target/local-token-encryption.key") Path localKeyFile) {

  static final String PREFIX = "payment-router.token-encryption";

  private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{1,40}");

  public TokenEncryptionProperties {
    keys = keys == null ? Map.of() : new TreeMap<>(keys);
  }

  /** Nothing configured at all: only local mode may then make up a key. */
  boolean isEmpty() {
    return keys.isEmpty() && (activeKey == null || activeKey.isBlank());
  }

  /**
   * The key ring, after every problem in the configuration has been found: a malformed or short key, an id that
   * no environment variable can spell, an active key that is missing or not among the keys. Messages name the
   * property, never its value.
   */
  public TokenCipher toCipher() {
    List<String> problems = new ArrayList<>();
    Map<String, byte[]> decoded = new LinkedHashMap<>();
    keys.forEach((id, value) -> {
      String property = PREFIX + ".keys." + id;
      if (!KEY_ID.matcher(id).matches()) {
        problems.add(property + ": a key id is 1 to 40 lower-case letters and digits");
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(value == null ? "" : value.strip());
      } catch (IllegalArgumentException e) {
        problems.add(property + ": not base64; give the base64 of " + TokenCipher.KEY_BYTES
            + " random bytes (e.g. openssl rand -base64 32)");
        return;
      }
      if (key.length != TokenCipher.KEY_BYTES) {
        problems.add(property + ": decodes to " + key.length + " bytes; an AES-256 key is "
            + TokenCipher.KEY_BYTES + " bytes (e.g. openssl rand -base64 32)");
        return;
      }
      decoded.put(id, key);
    });
    if (keys.isEmpty()) {
      problems.add(PREFIX + ".keys: no key is configured, but " + PREFIX + ".active-key is");
    } else if (activeKey == null || activeKey.isBlank()) {
      problems.add(PREFIX + ".active-key: not set; name the key that encrypts new tokens, one of "
          + keys.keySet());
    } else if (!keys.containsKey(activeKey)) {
      problems.add(PREFIX + ".active-key: " + activeKey + " is not among the keys " + keys.keySet());
    }
    if (!problems.isEmpty()) {
      throw new TokenEncryptionException("Invalid token-encryption configuration:\n  - "
          + String.join("\n  - ", problems));
    }
    try {
      return new TokenCipher(decoded, activeKey);
    } finally {
      decoded.values().forEach(key -> java.util.Arrays.fill(key, (byte) 0));
    }
  }

  @Override
  public String toString() {
    // The keys themselves stay out of logs and failure reports.
    return "TokenEncryptionProperties[keys=" + keys.keySet() + ", activeKey=" + activeKey + ", localKeyFile="
        + localKeyFile + "]";
  }
}
