package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Stripe dialect's wire shapes: the PaymentIntent a recorded charge renders as (as created, and after its
 * captures and cancels), the engine's declines in Stripe's words, and Stripe's error objects. The same entry always
 * renders the same bytes, which is what a replay under an idempotency key must answer.
 */
final class StripeObjects {

  private StripeObjects() {}

  /**
   * The engine's decline codes in Stripe's words: the error {@code code}, the {@code decline_code} and the
   * message. Stripe puts a few reasons in {@code code} itself (expired_card, incorrect_cvc, processing_error) and
   * every other issuer refusal under {@code card_declined} with the reason as {@code decline_code}.
   */
  private static final Map<String, StripeDecline> DECLINES = Map.ofEntries(
      Map.entry("insufficient_funds", new StripeDecline("card_declined", "insufficient_funds",
          "Your card has insufficient funds.")),
      Map.entry("card_declined", new StripeDecline("card_declined", "generic_decline", "Your card was declined.")),
      Map.entry("expired_card", new StripeDecline("expired_card", "expired_card", "Your card has expired.")),
      Map.entry("incorrect_cvc", new StripeDecline("incorrect_cvc", "incorrect_cvc",
          "Your card's security code is incorrect.")),
      Map.entry("processing_error", new StripeDecline("processing_error", "processing_error",
          "An error occurred while processing your card. Try again in a little bit.")),
      // Stripe's name for an issuer it could not reach.
      Map.entry("issuer_unavailable", new StripeDecline("card_declined", "issuer_not_available",
          "Your card was declined.")));

  private record StripeDecline(String code, String declineCode, String message) {}

  /** A refusal in Stripe's error shape, thrown by validation. */
  static final class StripeError extends RuntimeException {
    final int status;
    final String type;
    final String code;
    final String param;

    StripeError(int status, String type, String code, String param, String message) {
      super(message, null, false, false);
      this.status = status;
      this.type = type;
      this.code = code;
      this.param = param;
    }
  }


  /** The PaymentIntent of a recorded charge as created; the same entry always renders the same bytes. */
  static ObjectNode intentNode(SimulatorLedger.Entry entry) {
    return intentNode(entry, List.of());
  }

  /**
   * The PaymentIntent after the given modifications: a capture makes it {@code succeeded}, a cancel
   * {@code canceled}. A modification's answer passes only itself, so its replay renders the same bytes.
   */
  static ObjectNode intentNode(SimulatorLedger.Entry entry, List<SimulatorModification> done) {
    SimulatorCharge charge = entry.charge();
    StripeDialect.IntentRequest intent = (StripeDialect.IntentRequest) entry.request();
    String chargeId = "ch_" + charge.id().substring("pi_".length());
    ObjectNode node = JSON.createObjectNode();
    node.put("id", charge.id());
    node.put("object", "payment_intent");
    node.put("amount", charge.amount());
    SimulatorLedger.Totals totals = ModificationRules.totals(charge, done);
    String status = switch (charge.status()) {
      case SimulatorCharge.APPROVED -> "succeeded";
      // Held for a capture_method=manual PaymentIntent: Stripe waits for the capture, or a cancel.
      case SimulatorCharge.AUTHORIZED -> totals.captured() > 0 ? "succeeded"
          : totals.voided() > 0 ? "canceled" : "requires_capture";
      case SimulatorCharge.DECLINED -> "requires_payment_method";
      case SimulatorCharge.REQUIRES_ACTION -> "requires_action";
      // Stripe's word for a payment it accepted and has not decided.
      case SimulatorCharge.PENDING -> "processing";
      default -> throw new IllegalStateException("unknown ledger status " + charge.status());
    };
    node.put("amount_capturable", status.equals("requires_capture") ? charge.amount() : 0);
    node.put("amount_received", totals.captured());
    node.put("capture_method", intent.captureMethod());
    done.stream()
        .filter(modification -> modification.succeeded() && modification.kind() == SimulatorModification.Kind.CANCEL)
        .findFirst()
        .ifPresentOrElse(cancel -> node.put("cancellation_reason", cancel.reason()),
            () -> node.putNull("cancellation_reason"));
    node.put("confirmation_method", "automatic");
    node.put("created", charge.createdAt().getEpochSecond());
    node.put("currency", intent.currency());
    if (charge.status().equals(SimulatorCharge.DECLINED)) {
      node.set("last_payment_error", errorBody(charge, decline(charge.declineCode())));
    } else {
      node.putNull("last_payment_error");
    }
    // No charge object exists while the customer has not acted.
    if (charge.status().equals(SimulatorCharge.REQUIRES_ACTION)) {
      node.putNull("latest_charge");
    } else {
      node.put("latest_charge", chargeId);
    }
    node.put("livemode", false);
    ObjectNode metadata = node.putObject("metadata");
    intent.metadata().forEach(metadata::put);
    if (charge.status().equals(SimulatorCharge.REQUIRES_ACTION)) {
      ObjectNode action = node.putObject("next_action");
      action.put("type", "use_stripe_sdk");
      action.putObject("use_stripe_sdk");
    } else {
      node.putNull("next_action");
    }
    // Stripe detaches a payment method that failed, so the customer can supply another.
    if (charge.status().equals(SimulatorCharge.DECLINED)) {
      node.putNull("payment_method");
    } else {
      node.put("payment_method", intent.paymentMethod());
    }
    node.put("status", status);
    return node;
  }

  static ObjectNode declineError(SimulatorLedger.Entry entry) {
    SimulatorCharge charge = entry.charge();
    ObjectNode error = errorBody(charge, decline(charge.declineCode()));
    error.set("payment_intent", intentNode(entry));
    ObjectNode root = JSON.createObjectNode();
    root.set("error", error);
    return root;
  }

  private static StripeDecline decline(String code) {
    return DECLINES.getOrDefault(code, new StripeDecline("card_declined", code, "Your card was declined."));
  }

  private static ObjectNode errorBody(SimulatorCharge charge, StripeDecline decline) {
    ObjectNode error = JSON.createObjectNode();
    error.put("type", "card_error");
    error.put("code", decline.code());
    error.put("decline_code", decline.declineCode());
    error.put("message", decline.message());
    error.put("charge", "ch_" + charge.id().substring("pi_".length()));
    return error;
  }

  static StripeError apiError(int status) {
    return new StripeError(status, "api_error", null, null, status == 503
        ? "Stripe is temporarily unavailable. Please try again later."
        : "An unknown error occurred");
  }

  static StripeError rateLimit(String code) {
    return Outcome.LOCK_TIMEOUT.equals(code)
        ? new StripeError(429, "invalid_request_error", "lock_timeout", null, "This object cannot be accessed "
            + "right now because another API request or Stripe process is currently accessing it.")
        : new StripeError(429, "invalid_request_error", "rate_limit", null,
            "Too many requests hit the API too quickly.");
  }

  static StripeError invalid(String code, String param, String message) {
    return new StripeError(400, "invalid_request_error", code, param, message);
  }

  static Mono<Void> error(HttpServerResponse response, StripeError error) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", error.type);
    if (error.code != null) {
      body.put("code", error.code);
    }
    if (error.param != null) {
      body.put("param", error.param);
    }
    body.put("message", error.getMessage());
    ObjectNode root = JSON.createObjectNode();
    root.set("error", body);
    return SimulatorHttp.json(response, error.status, JSON.writeValueAsString(root));
  }
}
