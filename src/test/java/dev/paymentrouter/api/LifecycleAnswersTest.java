package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.runtime.IntentLifecycle.CommandResult;
import dev.paymentrouter.provider.domain.ModificationRequest.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;

/** What each result of a capture, cancel or refund answers over HTTP, without the runtime that produces it. */
class LifecycleAnswersTest {

  static final String ID = "pi_01M8PWQBTD3RPX84F6J30M34Q1";
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final Duration RETRY = Duration.ofSeconds(2);

  @Test
  void aCaptureThatWentThroughAnswersTheIntent() {
    PaymentIntent intent = intent(IntentStatus.SUCCEEDED, modification("cp_1", Kind.CAPTURE, 600,
        Modification.Status.SUCCEEDED, null));

    ResponseEntity<IntentView> answer = answerOf(new CommandResult.Done(intent, "cp_1", false), Kind.CAPTURE);

    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(answer.getHeaders().containsHeader("Idempotent-Replayed")).isFalse();
    assertThat(answer.getBody().status()).isEqualTo("succeeded");
    assertThat(answer.getBody().amountReceived()).isEqualTo(600);
  }

  @Test
  void aReplayedCaptureSaysSo() {
    PaymentIntent intent = intent(IntentStatus.SUCCEEDED, modification("cp_1", Kind.CAPTURE, 600,
        Modification.Status.SUCCEEDED, null));

    ResponseEntity<IntentView> answer = answerOf(new CommandResult.Done(intent, "cp_1", true), Kind.CAPTURE);

    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(answer.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
  }

  @Test
  void aCaptureStillOnItsWayAnswersTheIntentAsItStands() {
    // Unknown or pending: the money may move; the intent says requires_capture until the provider confirms.
    PaymentIntent intent = intent(IntentStatus.REQUIRES_CAPTURE, modification("cp_1", Kind.CAPTURE, 600,
        Modification.Status.UNKNOWN, "timeout"));

    assertThat(answerOf(new CommandResult.Done(intent, "cp_1", false), Kind.CAPTURE).getStatusCode())
        .isEqualTo(HttpStatus.OK);
  }

  @Test
  void aCaptureTheProviderRefusedIsAPaymentRequiredProblemWithItsCode() {
    PaymentIntent intent = intent(IntentStatus.REQUIRES_CAPTURE, modification("cp_1", Kind.CAPTURE, 600,
        Modification.Status.FAILED, "authorization_expired"));

    ApiProblem problem = problemOf(new CommandResult.Done(intent, "cp_1", false), Kind.CAPTURE);

    assertThat(problem.status()).isEqualTo(HttpStatus.PAYMENT_REQUIRED);
    assertThat(problem.code()).isEqualTo("capture_failed");
    assertThat(problem.failureCode()).isEqualTo("authorization_expired");
    assertThat(problem.getMessage()).contains("authorization_expired", "new Idempotency-Key");
  }

  @Test
  void aCancelTheProviderRefusedIsACancelFailedProblem() {
    PaymentIntent intent = intent(IntentStatus.REQUIRES_CAPTURE, modification("cn_1", Kind.CANCEL, 1000,
        Modification.Status.FAILED, "already_captured"));

    ApiProblem problem = problemOf(new CommandResult.Done(intent, "cn_1", false), Kind.CANCEL);

    assertThat(problem.code()).isEqualTo("cancel_failed");
    assertThat(problem.failureCode()).isEqualTo("already_captured");
  }

  @Test
  void aCancelThatNeededNoProviderAnswersTheCanceledIntent() {
    ResponseEntity<IntentView> answer =
        answerOf(new CommandResult.Done(intent(IntentStatus.CANCELED), null, false), Kind.CANCEL);

    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(answer.getBody().status()).isEqualTo("canceled");
  }

  @Test
  void aNewRefundIsCreatedAtItsOwnAddress() {
    PaymentIntent intent = intent(IntentStatus.SUCCEEDED, modification("re_1", Kind.REFUND, 200,
        Modification.Status.SUCCEEDED, null));

    ResponseEntity<RefundView> answer = refundOf(new CommandResult.Done(intent, "re_1", false));

    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(answer.getHeaders().getLocation()).hasToString("/v1/refunds/re_1");
    assertThat(answer.getBody()).isEqualTo(new RefundView("re_1", ID, 200, "EUR", "succeeded", null,
        "requested_by_customer", Map.of("ticket", "7"), T0, T0));
  }

  @Test
  void aRefundTheProviderRefusedIsStillARefundThatFailed() {
    PaymentIntent intent = intent(IntentStatus.SUCCEEDED, modification("re_1", Kind.REFUND, 200,
        Modification.Status.FAILED, "charge_disputed"));

    ResponseEntity<RefundView> answer = refundOf(new CommandResult.Done(intent, "re_1", false));

    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(answer.getBody().status()).isEqualTo("failed");
    assertThat(answer.getBody().failureCode()).isEqualTo("charge_disputed");
  }

  @Test
  void aReplayedRefundIsOkAndSaysSo() {
    PaymentIntent intent = intent(IntentStatus.SUCCEEDED, modification("re_1", Kind.REFUND, 200,
        Modification.Status.PENDING, null));

    ResponseEntity<RefundView> answer = refundOf(new CommandResult.Done(intent, "re_1", true));

    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(answer.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
    assertThat(answer.getBody().status()).isEqualTo("pending");
  }

  @Test
  void theIntentListsItsRefundsOldestFirstAndNotItsCapture() {
    PaymentIntent intent = intent(IntentStatus.SUCCEEDED,
        modification("cp_1", Kind.CAPTURE, 600, Modification.Status.SUCCEEDED, null),
        modification("re_1", Kind.REFUND, 200, Modification.Status.SUCCEEDED, null),
        modification("re_2", Kind.REFUND, 300, Modification.Status.UNKNOWN, "timeout"));

    IntentView view = IntentView.of(intent);

    assertThat(view.refunds()).extracting(RefundView::id, RefundView::status)
        .containsExactly(tuple("re_1", "succeeded"),
            tuple("re_2", "pending"));
    assertThat(view.captureMethod()).isEqualTo("manual");
    assertThat(view.amountReceived()).isEqualTo(600);
    assertThat(view.amountRefunded()).isEqualTo(200);
  }

  @ParameterizedTest
  @CsvSource({
      "intent_not_capturable, 409",
      "intent_not_cancelable, 409",
      "intent_not_refundable, 409",
      "modification_in_progress, 409",
      "amount_too_large, 422",
      "modification_exists, 409",
      "something_new, 409"})
  void aRejectionIsAProblemWithTheDomainsCode(String code, int status) {
    ApiProblem problem = problemOf(new CommandResult.Rejected(code, "because"), Kind.CAPTURE);

    assertThat(problem.status().value()).isEqualTo(status);
    assertThat(problem.code()).isEqualTo(code);
    assertThat(problem.getMessage()).isEqualTo("because");
  }

  @Test
  void theOtherResultsAreNotFoundKeyReusedAndUnavailable() {
    ApiProblem notFound = problemOf(new CommandResult.NotFound(), Kind.REFUND);
    ApiProblem reused = problemOf(new CommandResult.KeyReused(), Kind.CAPTURE);
    ApiProblem unavailable = problemOf(new CommandResult.Unavailable("not_owner"), Kind.CANCEL);

    assertThat(notFound.status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(notFound.code()).isEqualTo("intent_not_found");
    assertThat(notFound.getMessage()).contains(ID);
    assertThat(reused.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
    assertThat(reused.code()).isEqualTo("idempotency_key_reused");
    assertThat(unavailable.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(unavailable.retryAfter()).isEqualTo(RETRY);
  }

  @Test
  void aRefundsNotFoundIsTheSameProblem() {
    ApiProblem problem = catchThrowableOfType(ApiProblem.class,
        () -> LifecycleAnswers.refund(new CommandResult.NotFound(), ID, RETRY).block());

    assertThat(problem.code()).isEqualTo("intent_not_found");
  }

  private static ResponseEntity<IntentView> answerOf(CommandResult result, Kind kind) {
    return LifecycleAnswers.intent(result, kind, ID, RETRY).block();
  }

  private static ResponseEntity<RefundView> refundOf(CommandResult result) {
    return LifecycleAnswers.refund(result, ID, RETRY).block();
  }

  private static ApiProblem problemOf(CommandResult result, Kind kind) {
    Mono<?> answer = kind == Kind.REFUND
        ? LifecycleAnswers.refund(result, ID, RETRY)
        : LifecycleAnswers.intent(result, kind, ID, RETRY);
    return catchThrowableOfType(ApiProblem.class, answer::block);
  }

  private static Modification modification(String id, Kind kind, long amount, Modification.Status status,
      String failureCode) {
    return new Modification(id, kind, amount, "alpha", id, status, null, failureCode,
        kind == Kind.REFUND ? "requested_by_customer" : null, T0, T0,
        kind == Kind.REFUND ? Map.of("ticket", "7") : Map.of());
  }

  private static PaymentIntent intent(IntentStatus status, Modification... modifications) {
    return new PaymentIntent(ID, "m_1", new Money(1000, "EUR"), new PaymentMethod("card", null, "DE"), null,
        Map.of(), status, List.of(), null, null, T0.plusSeconds(60), T0, T0, null, CaptureMethod.MANUAL,
        List.of(modifications));
  }
}
