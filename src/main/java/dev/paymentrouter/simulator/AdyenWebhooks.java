package dev.paymentrouter.simulator;

import static dev.paymentrouter.simulator.SimulatorHttp.JSON;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Adyen's standard notifications for what the simulator recorded: {@code {"live": "false", "notificationItems":
 * [{"NotificationRequestItem": {...}}]}} with one item each (the shape of Adyen's published webhook examples, e.g.
 * AUTHORISATION's), AUTHORISATION after a payment and CAPTURE, CANCELLATION or REFUND after a modification, with
 * {@code additionalData.hmacSignature} = base64(HMAC-SHA256(hex-decoded key, pspReference:originalReference:
 * merchantAccountCode:merchantReference:value:currency:eventCode:success)), absent fields as empty strings.
 */
final class AdyenWebhooks implements WebhookDialect {

  private static final DateTimeFormatter EVENT_DATE = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private final SimulatorEngine engine;
  private final byte[] key;

  AdyenWebhooks(SimulatorEngine engine, String hexKey) {
    this.engine = engine;
    this.key = HexFormat.of().parseHex(hexKey);
  }

  @Override
  public Optional<String> charged(SimulatorLedger.Entry entry) {
    if (!(entry.request() instanceof AdyenDialect.PaymentRequest payment)) {
      return Optional.empty();
    }
    SimulatorCharge charge = entry.charge();
    String account = AdyenDialect.text(payment.body(), "merchantAccount");
    return switch (charge.status()) {
      case SimulatorCharge.APPROVED, SimulatorCharge.AUTHORIZED -> Optional.of(item("AUTHORISATION", true,
          charge.id(), null, account, payment.reference(), payment.amount(), payment.currency(), null));
      case SimulatorCharge.DECLINED -> Optional.of(item("AUTHORISATION", false, charge.id(), null, account,
          payment.reference(), payment.amount(), payment.currency(),
          AdyenDialect.refusalReason(charge.declineCode())));
      // Adyen has not decided yet (a redirect the shopper never follows here, or its own pending): it tells
      // AUTHORISATION once it decides, which the simulator never does.
      case SimulatorCharge.REQUIRES_ACTION, SimulatorCharge.PENDING -> Optional.empty();
      default -> throw new IllegalStateException("unknown ledger status " + charge.status());
    };
  }

  @Override
  public Optional<String> modified(SimulatorLedger.ModificationEntry entry) {
    if (!(entry.request() instanceof AdyenModifications.AdyenModification request)) {
      return Optional.empty();
    }
    SimulatorModification modification = entry.modification();
    String eventCode = switch (modification.kind()) {
      case CAPTURE -> "CAPTURE";
      case CANCEL -> "CANCELLATION";
      case REFUND -> "REFUND";
    };
    // The modification's own pspReference, the payment's as originalReference, and our key as merchantReference:
    // Adyen answered "received" and only this tells whether the money moved.
    return Optional.of(item(eventCode, modification.succeeded(), modification.id(), modification.chargeId(),
        AdyenDialect.text(request.body(), "merchantAccount"), modification.reference(), modification.amount(),
        modification.currency(), modification.succeeded() ? null : modification.code()));
  }

  @Override
  public Map<String, String> headers(byte[] body, Instant now) {
    return Map.of("Content-Type", SimulatorHttp.APPLICATION_JSON);
  }

  private String item(String eventCode, boolean success, String pspReference, String originalReference,
      String merchantAccount, String merchantReference, long value, String currency, String reason) {
    ObjectNode item = JSON.createObjectNode();
    String data = String.join(":", text(pspReference), text(originalReference), text(merchantAccount),
        text(merchantReference), Long.toString(value), text(currency), eventCode, Boolean.toString(success));
    item.putObject("additionalData").put("hmacSignature",
        Base64.getEncoder().encodeToString(Hmac.sha256(key, data.getBytes(StandardCharsets.UTF_8))));
    ObjectNode amount = item.putObject("amount");
    amount.put("currency", currency);
    amount.put("value", value);
    item.put("eventCode", eventCode);
    item.put("eventDate", EVENT_DATE.format(engine.clock().instant().truncatedTo(ChronoUnit.SECONDS)
        .atOffset(ZoneOffset.UTC)));
    if (merchantAccount != null) {
      item.put("merchantAccountCode", merchantAccount);
    }
    if (merchantReference != null && !merchantReference.isEmpty()) {
      item.put("merchantReference", merchantReference);
    }
    if (originalReference != null) {
      item.put("originalReference", originalReference);
    }
    item.put("pspReference", pspReference);
    if (reason != null) {
      item.put("reason", reason);
    }
    // Adyen sends success as a string.
    item.put("success", Boolean.toString(success));
    ObjectNode root = JSON.createObjectNode();
    root.put("live", "false");
    root.putArray("notificationItems").addObject().set("NotificationRequestItem", item);
    return JSON.writeValueAsString(root);
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }
}
