package dev.paymentrouter.merchant.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Secret API keys: {@code sk_} followed by 40 base62 characters (about 238 bits). Only their SHA-256 is stored;
 * a slow password hash is not needed because the keys are random, not chosen by people.
 */
public final class ApiKeys {

  /** Every key starts with this. */
  public static final String PREFIX = "sk_";

  private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int RANDOM_CHARS = 40;
  private static final Pattern FORMAT = Pattern.compile("sk_[0-9A-Za-z]{16,128}");
  private static final int ID_CHARS = 24;
  // Also the ids of merchants made before the operator API (the demo's merchant_demo, test merchants).
  private static final Pattern ID_FORMAT = Pattern.compile("[0-9A-Za-z_-]{1,128}");

  private ApiKeys() {}

  /** A new key drawn from {@code random}, which must be a cryptographically strong generator in production. */
  public static String generate(RandomGenerator random) {
    StringBuilder key = new StringBuilder(PREFIX.length() + RANDOM_CHARS).append(PREFIX);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return key.toString();
  }

  /** Whether a presented string could be a key at all (checked before any lookup). */
  public static boolean isWellFormed(String candidate) {
    return candidate != null && FORMAT.matcher(candidate).matches();
  }

  /** The stored form of a key: lowercase hex SHA-256. */
  public static String hash(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every JDK has SHA-256", impossible);
    }
  }

  /**
   * A public identifier, {@code prefix} followed by 24 base62 characters (a merchant's {@code mer_}, a key's
   * {@code key_}): unguessable, so that ids in URLs tell nobody which other merchants or keys exist.
   */
  public static String newId(String prefix, RandomGenerator random) {
    StringBuilder id = new StringBuilder(prefix.length() + ID_CHARS).append(prefix);
    for (int i = 0; i < ID_CHARS; i++) {
      id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }

  /** Whether a string could be an id at all (checked before any lookup): letters, digits, {@code _}, {@code -}. */
  public static boolean isWellFormedId(String candidate) {
    return candidate != null && ID_FORMAT.matcher(candidate).matches();
  }

  /** The first characters of a key, safe to show to identify it. */
  public static String displayPrefix(String key) {
    return key.substring(0, Math.min(key.length(), PREFIX.length() + 6));
  }
}
