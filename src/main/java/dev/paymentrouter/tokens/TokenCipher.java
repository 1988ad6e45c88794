package dev.paymentrouter.tokens;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals payment tokens for storage and opens them again: AES-256-GCM with a fresh random 96-bit nonce per token,
 * a 128-bit tag, and the intent id as associated data, so that a sealed token opens only for the intent it was
 * sealed for (a ciphertext copied onto another row does not). New tokens are sealed with the active key; a sealed
 * token is stored with the id of its key, and every configured key opens what it sealed, so keys rotate without
 * re-encrypting anything. Thread-safe; it never logs, and no message of it carries a key or a token.
 */
public final class TokenCipher {

  /** Bytes of an AES-256 key. */
  public static final int KEY_BYTES = 32;

  static final String TRANSFORMATION = "AES/GCM/NoPadding";
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  static final int TAG_BYTES = TAG_BITS / 8;

  // A Cipher is not thread-safe and getInstance looks the provider up each time: one per thread, re-initialized
  // per call with its own nonce (GCM forbids only a repeated key and nonce pair).
  private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance(TRANSFORMATION);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has " + TRANSFORMATION, e);
    }
  });

  /**
   * A sealed token: the id of the key that sealed it, and {@code nonce (12) || ciphertext || tag (16)}.
   *
   * @param keyId the key that sealed it; stored beside the data
   * @param data  what is stored; not secret without the key
   */
  public record Sealed(String keyId, byte[] data) {
    public Sealed {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(data, "data");
    }
  }

  /** What opening a sealed token gave. */
  public sealed interface Opened {
    /** The token. */
    record Token(String value) implements Opened {
      @Override
      public String toString() {
        return "Token[***]";
      }
    }

    /** It cannot be opened: the key is unknown here, or the data was changed or belongs to another intent. */
    record Unreadable(String reason) implements Opened {}
  }

  private final Map<String, SecretKey> keys;
  private final String activeKeyId;
  private final SecretKey activeKey;
  private final SecureRandom nonces;

  /**
   * A key ring with these keys (id to 32 bytes) that seals with {@code activeKeyId}. The keys are copied; the
   * caller may wipe its arrays.
   */
  public TokenCipher(Map<String, byte[]> keys, String activeKeyId) {
    this(keys, activeKeyId, seededDrbg());
  }

  TokenCipher(Map<String, byte[]> keys, String activeKeyId, SecureRandom nonces) {
    Map<String, SecretKey> ring = new LinkedHashMap<>();
    keys.forEach((id, key) -> {
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException("token-encryption key " + id + " has " + key.length + " bytes, not "
            + KEY_BYTES);
      }
      ring.put(id, new SecretKeySpec(key, "AES"));
    });
    if (!ring.containsKey(activeKeyId)) {
      throw new IllegalArgumentException("the active token-encryption key " + activeKeyId
          + " is not among the keys " + ring.keySet());
    }
    this.keys = Map.copyOf(ring);
    this.activeKeyId = activeKeyId;
    this.activeKey = ring.get(activeKeyId);
    this.nonces = nonces;
    // Loads the JDK's AES-GCM classes here, at start-up, rather than on the first write's event loop.
    open("pi_warm_up", seal("pi_warm_up", "warm-up"));
  }

  /** The id of the key new tokens are sealed with. */
  public String activeKeyId() {
    return activeKeyId;
  }

  /** The ids of every key that can open tokens. */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  /** Seals a token for one intent with the active key. */
  public Sealed seal(String intentId, String token) {
    byte[] plain = token.getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[NONCE_BYTES + plain.length + TAG_BYTES];
    byte[] nonce = new byte[NONCE_BYTES];
    nonces.nextBytes(nonce);
    System.arraycopy(nonce, 0, data, 0, NONCE_BYTES);
    Cipher cipher = CIPHERS.get();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, activeKey, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(intentId.getBytes(StandardCharsets.UTF_8));
      cipher.doFinal(plain, 0, plain.length, data, NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      // Only a broken JDK gets here: the key and the parameters are checked above.
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return new Sealed(activeKeyId, data);
  }

  /** Opens a token sealed for this intent. */
  public Opened open(String intentId, Sealed sealed) {
    return open(intentId, sealed.keyId(), sealed.data());
  }

  /** Opens a token sealed for this intent with the key {@code keyId}. */
  public Opened open(String intentId, String keyId, byte[] data) {
    SecretKey key = keyId == null ? null : keys.get(keyId);
    if (key == null) {
      return new Opened.Unreadable("unknown_key");
    }
    if (data.length < NONCE_BYTES + TAG_BYTES) {
      return new Opened.Unreadable("malformed");
    }
    Cipher cipher = CIPHERS.get();
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
      cipher.updateAAD(intentId.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
      return new Opened.Token(new String(plain, StandardCharsets.UTF_8));
    } catch (AEADBadTagException e) {
      return new Opened.Unreadable("authentication_failed");
    } catch (GeneralSecurityException e) {
      return new Opened.Unreadable("malformed");
    }
  }

  /**
   * Nonces from a DRBG seeded once, here, from the operating system's non-blocking source: no seal waits for
   * entropy, and none reads a file on an event loop (NativePRNG reads /dev/urandom as it goes).
   */
  static SecureRandom seededDrbg() {
    byte[] seed = new byte[48];
    try {
      SecureRandom.getInstance("NativePRNGNonBlocking").nextBytes(seed);
    } catch (NoSuchAlgorithmException notUnix) {
      new SecureRandom().nextBytes(seed);
    }
    try {
      SecureRandom drbg = SecureRandom.getInstance("DRBG");
      // A seed given before first use instantiates the DRBG from it: it does not gather entropy of its own.
      drbg.setSeed(seed);
      drbg.nextBytes(new byte[1]);
      return drbg;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides DRBG", e);
    } finally {
      java.util.Arrays.fill(seed, (byte) 0);
    }
  }
}
