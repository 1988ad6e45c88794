package dev.paymentrouter.operations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operators' tokens and the check of an {@code Authorization} header against them: {@code Bearer <token>}, or
 * {@code Basic} whose password is the token (the user name is free), so that a browser can open the operator page.
 * Only digests are kept, and a check compares the digest of what was presented with every operator's in constant
 * time, so neither the answer time nor an early exit tells an attacker how much of a token was right, or whose it was.
 */
final class OperatorTokens {

  private static final String BEARER = "Bearer ";
  private static final String BASIC = "Basic ";

  private record Entry(String operator, byte[] digest) {}

  private final List<Entry> entries;
  private final String madeUp;

  /** Operator name to token. */
  OperatorTokens(Map<String, String> tokens) {
    this(tokens, null);
  }

  private OperatorTokens(Map<String, String> tokens, String madeUp) {
    this.entries = tokens.entrySet().stream().map(e -> new Entry(e.getKey(), digest(e.getValue()))).toList();
    this.madeUp = madeUp;
  }

  /**
   * Local mode's operator, where nobody configured one: {@code operator} with a random token ({@code op_} and 32
   * characters), kept in clear only to be printed at start-up.
   */
  static OperatorTokens madeUpFor(String operator, SecureRandom random) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String token = "op_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return new OperatorTokens(Map.of(operator, token), token);
  }

  /** The token {@link #madeUpFor} made, to print; empty for configured tokens. */
  Optional<String> madeUpToken() {
    return Optional.ofNullable(madeUp);
  }

  /** No operator can authenticate. */
  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The operators' names. */
  List<String> operators() {
    return entries.stream().map(Entry::operator).toList();
  }

  /**
   * The operator whose token the header carries; empty for no header, another scheme, an unknown token, or a Basic
   * header that is not base64 of {@code user:password}. The name is always the token's operator, whatever user name
   * a Basic header gives: who acted is whose token it was.
   */
  Optional<String> operatorFor(String authorizationHeader) {
    String token = presentedToken(authorizationHeader);
    if (token == null) {
      return Optional.empty();
    }
    byte[] presented = digest(token);
    String found = null;
    for (Entry entry : entries) {
      // Every entry is compared, also after a match.
      if (MessageDigest.isEqual(presented, entry.digest()) && found == null) {
        found = entry.operator();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The token of a Bearer header, the password of a Basic one; null for anything else. */
  private static String presentedToken(String header) {
    if (header == null) {
      return null;
    }
    if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return header.substring(BEARER.length()).strip();
    }
    if (!header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
      return null;
    }
    String credentials;
    try {
      credentials = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).strip()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    int colon = credentials.indexOf(':');
    return colon < 0 ? null : credentials.substring(colon + 1).strip();
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "OperatorTokens[operators=" + operators() + "]";
  }
}
