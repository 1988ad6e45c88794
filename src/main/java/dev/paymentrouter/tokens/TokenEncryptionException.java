package dev.paymentrouter.tokens;

/** The token-encryption configuration is missing or wrong: the router refuses to start. */
public final class TokenEncryptionException extends IllegalStateException {

  TokenEncryptionException(String message) {
    super(message);
  }

  static TokenEncryptionException notConfigured() {
    return new TokenEncryptionException("No token-encryption key is configured: set "
        + TokenEncryptionProperties.PREFIX + ".keys.<key-id> to the base64 of 32 random bytes (e.g. openssl rand "
        + "-base64 32) and " + TokenEncryptionProperties.PREFIX + ".active-key to that key id, e.g. the "
        + "environment variables PAYMENTROUTER_TOKENENCRYPTION_KEYS_K1 and PAYMENTROUTER_TOKENENCRYPTION_ACTIVEKEY=k1 "
        + "from a Secret. Only local mode (" + dev.paymentrouter.platform.LocalMode.PROPERTY + "=true) makes up a "
        + "key of its own.");
  }
}
