package dev.paymentrouter.provider.connector.adyen;

import dev.paymentrouter.provider.domain.ProviderRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code POST /v71/payments} as Adyen gets it: the body and the idempotency key. Both are pure functions of the
 * attempt, so a replay is byte for byte the first request under the same key, which Adyen answers from its store.
 *
 * @param idempotencyKey the {@code Idempotency-Key} header, at most 64 characters
 * @param body           the JSON body
 */
record AdyenPaymentRequest(String idempotencyKey, byte[] body) {

  /** Adyen's limit on the {@code Idempotency-Key} header. */
  static final int IDEMPOTENCY_KEY_MAX = 64;
  /** Adyen's limit on the payment's {@code reference}. */
  static final int REFERENCE_MAX = 80;
  /**
   * Names our intent in the payment's metadata (and so in Adyen's webhooks and Customer Area). Adyen allows keys of
   * at most 20 characters, so not {@code payment_router_intent} (21).
   */
  static final String METADATA_INTENT_KEY = "router_intent";
  /** Names the attempt's number (1-based) beside it, so that an operator finds the charge of one attempt both ways. */
  static final String METADATA_ATTEMPT_KEY = "router_attempt";
  /** Adyen's limit on a metadata value. */
  static final int METADATA_VALUE_MAX = 80;

  /** The request for one attempt, paid with {@code token}, booked to {@code merchantAccount}. */
  static AdyenPaymentRequest of(ProviderRequest request, AdyenToken token, String merchantAccount, JsonMapper json) {
    ObjectNode body = json.createObjectNode();
    body.put("merchantAccount", merchantAccount);
    ObjectNode amount = body.putObject("amount");
    amount.put("value", request.amountMinor());
    amount.put("currency", request.currency());
    body.put("reference", reference(request.idempotencyKey()));
    switch (token) {
      case AdyenToken.StoredCard card -> {
        ObjectNode paymentMethod = body.putObject("paymentMethod");
        paymentMethod.put("type", "scheme");
        paymentMethod.put("storedPaymentMethodId", card.storedPaymentMethodId());
        body.put("shopperReference", card.shopperReference());
        // The shopper is not present and we charge at a time of our choosing: a merchant-initiated, unscheduled
        // card-on-file payment (Adyen: "ContAuth" with "UnscheduledCardOnFile"; "CardOnFile" would claim a
        // shopper-initiated one-click payment).
        body.put("shopperInteraction", "ContAuth");
        body.put("recurringProcessingModel", "UnscheduledCardOnFile");
      }
      // The shopper's client made these details while the shopper was there: Adyen's default interaction
      // (Ecommerce) is the right one, so none is named.
      case AdyenToken.PaymentMethod details -> body.set("paymentMethod", details.details());
    }
    if (request.intentId().length() <= METADATA_VALUE_MAX) {
      // Only a label: a value Adyen would refuse must not cost the payment.
      body.putObject("metadata").put(METADATA_INTENT_KEY, request.intentId())
          // Adyen's metadata values are strings.
          .put(METADATA_ATTEMPT_KEY, Integer.toString(request.attemptNumber()));
    }
    if (request.manualCapture()) {
      // Authorize only, for this payment whatever the merchant account's capture setting: the funds are held until a
      // capture or a cancel. Without it the account's setting applies (immediate capture unless an operator changed
      // it). Adyen's additionalData values are strings.
      body.putObject("additionalData").put("manualCapture", "true");
    }
    return new AdyenPaymentRequest(idempotencyKey(request.idempotencyKey()), json.writeValueAsBytes(body));
  }

  /**
   * Our idempotency key as Adyen takes it: the key itself when it fits (at most 64 printable ASCII characters), else
   * the hex SHA-256 of it (64 characters). The same attempt always gets the same header.
   */
  static String idempotencyKey(String key) {
    return fits(key, IDEMPOTENCY_KEY_MAX) ? key : sha256Hex(key);
  }

  /** Our key as the payment's reference: itself when it fits Adyen's 80 characters, else its hex SHA-256. */
  static String reference(String key) {
    return fits(key, REFERENCE_MAX) ? key : sha256Hex(key);
  }

  private static boolean fits(String key, int max) {
    return !key.isEmpty() && key.length() <= max && key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static String sha256Hex(String key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    // The body holds the token.
    return "AdyenPaymentRequest[" + idempotencyKey + "]";
  }
}
