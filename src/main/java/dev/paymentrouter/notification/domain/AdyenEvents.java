package dev.paymentrouter.notification.domain;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import java.util.Set;

/**
 * Adyen's standard notification event codes, as data: what each tells the router. As for a connector's outcome
 * table, only a verdict that proves what happened to the money becomes one; the rest is recorded and changes nothing.
 */
public final class AdyenEvents {

  /** Chargebacks and their stages: recorded as disputes. */
  private static final Set<String> DISPUTES = Set.of("CHARGEBACK", "NOTIFICATION_OF_CHARGEBACK", "SECOND_CHARGEBACK",
      "CHARGEBACK_REVERSED", "PREARBITRATION_WON", "PREARBITRATION_LOST", "REQUEST_FOR_INFORMATION",
      "NOTIFICATION_OF_FRAUD");

  private AdyenEvents() {}

  /**
   * What one item means: {@code merchantReference} is our key (an attempt's for AUTHORISATION, a modification's for
   * the rest), {@code pspReference} Adyen's id of the payment or the modification, {@code reason} its reason text.
   */
  public static Notice notice(String eventCode, boolean success, String merchantReference, String pspReference,
      String originalReference, String reason) {
    String why = reason == null || reason.isBlank() ? "refused" : reason;
    return switch (eventCode) {
      // The authorisation's verdict: success proves the charge (an authorisation captured now or later); a failure
      // proves Adyen refused it and nothing is held. Declined as hard (no failover on a notification's word alone:
      // the same answer from a status query would carry Adyen's refusal reason to classify).
      case "AUTHORISATION" -> new Notice.AttemptVerdict(merchantReference, success
          ? new ChargeStatus.Charged(pspReference)
          : new ChargeStatus.Declined(why, false));
      // A modification's confirmation: success means the money moved (captured, released, given back); a failure
      // means Adyen did not do it, so nothing moved. Our key is the modification's reference.
      case "CAPTURE", "CANCELLATION", "REFUND", "CANCEL_OR_REFUND", "TECHNICAL_CANCEL" ->
          new Notice.ModificationVerdict(merchantReference, success
              ? new ModificationOutcome.Succeeded(pspReference)
              : new ModificationOutcome.Refused(why));
      // Reported after a success was confirmed (the scheme rejected a capture, a refund bounced): the money went back
      // after the fact. No automatic state change can undo a confirmed modification; kept for an operator.
      case "CAPTURE_FAILED", "REFUND_FAILED", "REFUNDED_REVERSED" ->
          new Notice.Informational(null, originalReference != null ? originalReference : pspReference);
      default -> DISPUTES.contains(eventCode)
          ? new Notice.Dispute(merchantReference, originalReference != null ? originalReference : pspReference)
          : new Notice.Informational(merchantReference, pspReference);
    };
  }
}
