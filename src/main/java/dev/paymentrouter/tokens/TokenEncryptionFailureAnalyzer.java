package dev.paymentrouter.tokens;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start without a usable token-encryption key in Spring Boot's start-up failure report. */
public final class TokenEncryptionFailureAnalyzer extends AbstractFailureAnalyzer<TokenEncryptionException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, TokenEncryptionException cause) {
    return new FailureAnalysis(
        "payment-router encrypts payment tokens at rest and has no usable key.\n" + cause.getMessage(),
        "Set " + TokenEncryptionProperties.PREFIX + ".keys.<key-id> (the base64 of 32 random bytes, e.g. from "
            + "openssl rand -base64 32) and " + TokenEncryptionProperties.PREFIX + ".active-key=<key-id>, as "
            + "environment variables from a Secret (PAYMENTROUTER_TOKENENCRYPTION_KEYS_<KEYID>, "
            + "PAYMENTROUTER_TOKENENCRYPTION_ACTIVEKEY). Keep every key that open intents may still be stored "
            + "with; see the README's \"Card tokens at rest\".",
        cause);
  }
}
