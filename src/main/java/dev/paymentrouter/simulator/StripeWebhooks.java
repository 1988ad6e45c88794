package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import dev.paymentrouter.simulator.SimulatorModification.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stripe's webhook events for what the simulator recorded: an Event object (the {@code Event} schema of Stripe's
 * published OpenAPI spec: {@code id}, {@code type}, {@code created}, {@code data.object}) whose object is rendered
 * the way the API renders it, so metadata carries the router's keys. Signed per delivery as Stripe signs:
 * {@code Stripe-Signature: t=<unix seconds>,v1=hex(HMAC-SHA256(secret bytes, t + "." + body))}.
 */
final class StripeWebhooks implements WebhookDialect {

  private static final String EVENT_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // The version the simulator's objects follow; the router reads no field that depends on it.
  private static final String API_VERSION = "2025-06-30.basil";

  private final SimulatorEngine engine;
  private final String secret;

  StripeWebhooks(SimulatorEngine engine, String secret) {
    this.engine = engine;
    this.secret = secret;
  }

  @Override
  public Optional<String> charged(SimulatorLedger.Entry entry) {
    if (!(entry.request() instanceof StripeDialect.IntentRequest)) {
      return Optional.empty();
    }
    String type = switch (entry.charge().status()) {
      case SimulatorCharge.APPROVED -> "payment_intent.succeeded";
      // A manual-capture PaymentIntent waiting for its capture: Stripe tells it by this event, not by succeeded.
      case SimulatorCharge.AUTHORIZED -> "payment_intent.amount_capturable_updated";
      case SimulatorCharge.DECLINED -> "payment_intent.payment_failed";
      case SimulatorCharge.REQUIRES_ACTION -> "payment_intent.requires_action";
      case SimulatorCharge.PENDING -> "payment_intent.processing";
      default -> throw new IllegalStateException("unknown ledger status " + entry.charge().status());
    };
    return Optional.of(event(type, StripeObjects.intentNode(entry), entry.charge().idempotencyKey()));
  }

  @Override
  public Optional<String> modified(SimulatorLedger.ModificationEntry entry) {
    SimulatorModification modification = entry.modification();
    // Stripe records no refused modification: a refusal is its synchronous answer, with no event after it.
    if (!(entry.request() instanceof StripeModifications.StripeModification request) || !modification.succeeded()) {
      return Optional.empty();
    }
    Optional<SimulatorLedger.Entry> charge = engine.ledger().entryById(modification.chargeId());
    if (charge.isEmpty()) {
      return Optional.empty();
    }
    String key = modification.idempotencyKey();
    // Stripe tells a capture by payment_intent.succeeded (amount_received: what it took) and a cancel by
    // payment_intent.canceled, each carrying the PaymentIntent as the change left it.
    return Optional.of(switch (modification.kind()) {
      case CAPTURE -> event("payment_intent.succeeded", StripeModifications.changedIntentNode(charge.get(), entry),
          key);
      case CANCEL -> event("payment_intent.canceled", StripeModifications.changedIntentNode(charge.get(), entry),
          key);
      case REFUND -> event("refund.created", refund(modification, charge.get(), request), key);
    });
  }

  @Override
  public Map<String, String> headers(byte[] body, Instant now) {
    long timestamp = now.getEpochSecond();
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    byte[] payload = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, payload, 0, prefix.length);
    System.arraycopy(body, 0, payload, prefix.length, body.length);
    // Stripe keys the HMAC with the whsec_ secret's own bytes, not a decoding of it.
    String signature = HexFormat.of().formatHex(Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), payload));
    return Map.of("Content-Type", SimulatorHttp.APPLICATION_JSON, "Stripe-Signature",
        "t=" + timestamp + ",v1=" + signature);
  }

  /** The Refund with the metadata its request gave (where the router's connector puts its modification key). */
  private static ObjectNode refund(SimulatorModification modification, SimulatorLedger.Entry charge,
      StripeModifications.StripeModification request) {
    ObjectNode node = StripeModifications.refundNode(modification, charge);
    StripeModifications.addMetadata(node.putObject("metadata"), request.params());
    return node;
  }

  private String event(String type, ObjectNode object, String idempotencyKey) {
    ObjectNode event = JSON.createObjectNode();
    event.put("id", engine.newId("evt_", 24, EVENT_ALPHABET));
    event.put("object", "event");
    event.put("api_version", API_VERSION);
    event.put("created", engine.clock().instant().getEpochSecond());
    event.putObject("data").set("object", object);
    event.put("livemode", false);
    event.put("pending_webhooks", 1);
    ObjectNode request = event.putObject("request");
    request.putNull("id");
    if (idempotencyKey.isEmpty()) {
      request.putNull("idempotency_key");
    } else {
      request.put("idempotency_key", idempotencyKey);
    }
    event.put("type", type);
    return JSON.writeValueAsString(event);
  }
}
