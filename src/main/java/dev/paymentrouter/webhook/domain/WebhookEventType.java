package dev.paymentrouter.webhook.domain;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The events a merchant endpoint can subscribe to, by the name they carry on the wire ({@code type} of an event, the
 * {@code events} of an endpoint). One list for registration and for the outbox, so that an endpoint can only ask for
 * events the router emits.
 */
public enum WebhookEventType {
  PAYMENT_INTENT_CREATED("payment_intent.created"),
  PAYMENT_INTENT_PROCESSING("payment_intent.processing"),
  PAYMENT_INTENT_SUCCEEDED("payment_intent.succeeded"),
  PAYMENT_INTENT_PAYMENT_FAILED("payment_intent.payment_failed"),
  PAYMENT_INTENT_REQUIRES_CAPTURE("payment_intent.requires_capture"),
  PAYMENT_INTENT_CANCELED("payment_intent.canceled"),
  PAYMENT_INTENT_REQUIRES_ACTION("payment_intent.requires_action"),
  REFUND_CREATED("refund.created"),
  REFUND_SUCCEEDED("refund.succeeded"),
  REFUND_FAILED("refund.failed");

  /** What an endpoint lists to receive every type, present and future (as Stripe's {@code enabled_events}). */
  public static final String ALL = "*";

  private final String wireName;

  WebhookEventType(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the wire, e.g. {@code payment_intent.succeeded}. */
  public String wireName() {
    return wireName;
  }

  /** The type with this wire name, if there is one (exact, case-sensitive: names are identifiers). */
  public static Optional<WebhookEventType> fromWire(String name) {
    return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
  }

  /** Every wire name, comma-separated, for error messages. */
  public static String wireNames() {
    return Arrays.stream(values()).map(WebhookEventType::wireName).collect(Collectors.joining(", "));
  }
}
