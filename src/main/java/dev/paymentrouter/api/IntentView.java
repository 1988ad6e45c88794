package dev.paymentrouter.api;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.AttemptStatus;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.provider.domain.ModificationRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A payment intent as the API shows it. The payment token is never shown. Its amounts say where the money stands:
 * what a capture may still take, what the provider took, and what refunds gave back; its refunds are listed oldest
 * first (modifications keep the order they started in).
 */
record IntentView(
    String id,
    String status,
    long amount,
    String currency,
    String captureMethod,
    long amountCapturable,
    long amountReceived,
    long amountRefunded,
    PaymentMethodView paymentMethod,
    String reference,
    String description,
    Map<String, String> metadata,
    String failureCode,
    String unresolvedReason,
    NextActionView nextAction,
    List<AttemptView> attempts,
    List<RefundView> refunds,
    Instant deadline,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * What the provider waits for when the intent {@code requires_action}: the customer must act (3-D Secure, a
   * redirect), which the router does not drive; the merchant completes or cancels the payment with that provider,
   * by its reference.
   */
  record NextActionView(String provider, String providerReference, String type) {

    static NextActionView of(PaymentIntent intent) {
      if (intent.status() != IntentStatus.REQUIRES_ACTION) {
        return null;
      }
      return intent.attempts().stream()
          .filter(attempt -> attempt.status() == AttemptStatus.ACTION_REQUIRED)
          .findFirst()
          .map(attempt -> new NextActionView(attempt.provider(), attempt.providerReference(), attempt.errorCode()))
          .orElse(null);
    }
  }

  /** The payment method without its token. */
  record PaymentMethodView(String type, String country) {}

  /** One provider attempt, with why routing chose its provider. */
  record AttemptView(
      int number,
      String provider,
      String status,
      String providerReference,
      String declineCode,
      String errorCode,
      RoutingView routing,
      Instant createdAt,
      Instant updatedAt) {

    static AttemptView of(Attempt attempt) {
      return new AttemptView(attempt.number(), attempt.provider(), attempt.status().wireName(),
          attempt.providerReference(), attempt.declineCode(), attempt.errorCode(),
          new RoutingView(attempt.routingRule(), attempt.candidates(), attempt.skipped()), attempt.createdAt(),
          attempt.updatedAt());
    }
  }

  /**
   * The routing decision behind an attempt: the rule that matched, the candidates it offered, in order, and the
   * providers of the rule it skipped because the payment method cannot be charged there, with why ({@code no_token},
   * {@code token_not_usable}).
   */
  record RoutingView(String rule, List<String> candidates, Map<String, String> skipped) {}

  static IntentView of(PaymentIntent intent) {
    return new IntentView(
        intent.id(),
        intent.status().wireName(),
        intent.amount().amountMinor(),
        intent.amount().currency(),
        intent.captureMethod().wireName(),
        intent.amountCapturable(),
        intent.amountReceived(),
        intent.amountRefunded(),
        new PaymentMethodView(intent.paymentMethod().type(), intent.paymentMethod().country()),
        intent.reference(),
        intent.description(),
        intent.metadata(),
        intent.failureCode(),
        intent.unresolvedReason(),
        NextActionView.of(intent),
        intent.attempts().stream().map(AttemptView::of).toList(),
        intent.modifications().stream()
            .filter(modification -> modification.kind() == ModificationRequest.Kind.REFUND)
            .map(refund -> RefundView.of(intent.id(), intent.amount().currency(), refund))
            .toList(),
        intent.deadline(),
        intent.createdAt(),
        intent.updatedAt());
  }
}
