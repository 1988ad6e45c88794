package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.intent.domain.CaptureMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hash an Idempotency-Key is stored with identifies what a request means: the same meaning spelled another way
 * matches, another operation, intent or amount does not, and a create's hash is the one it had before capture
 * methods existed, so that keys stored then still replay.
 */
class RequestHashTest {

  static final String INTENT = "pi_01M8PWQBTD3RPX84F6J30M34Q1";
  static final String OTHER_INTENT = "pi_01M8PWQBTD3RPX84F6J30M34Q2";
  static final String CREATE = "{\"amount\": 1299, \"currency\": \"EUR\", \"paymentMethod\": {\"type\": \"card\", "
      + "\"token\": \"tok_visa\"}";

  final IntentRequestParser creates = new IntentRequestParser(Map.of());

  @Test
  void anAutomaticCreateKeepsTheHashItHadBeforeCaptureMethods() throws Exception {
    // The canonical form of the parser before captureMethod existed, written out.
    String before = "{\"amount\":1299,\"currency\":\"EUR\",\"type\":\"card\",\"token\":\"tok_visa\","
        + "\"country\":null,\"reference\":null,\"metadata\":{}}";
    String expected = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(before.getBytes(StandardCharsets.UTF_8)));

    assertThat(creates.parse(CREATE + "}").hash()).isEqualTo(expected);
    assertThat(creates.parse(CREATE + ", \"captureMethod\": \"automatic\"}").hash()).isEqualTo(expected);
  }

  @Test
  void aManualCreateIsAnotherRequest() {
    IntentRequestParser.ParsedRequest manual = creates.parse(CREATE + ", \"captureMethod\": \"manual\"}");

    assertThat(manual.captureMethod()).isEqualTo(CaptureMethod.MANUAL);
    assertThat(manual.hash()).isNotEqualTo(creates.parse(CREATE + "}").hash());
  }

  @Test
  void aCaptureWithoutBodyIsTheSameAsAnEmptyObjectButNotAsAnAmount() {
    String none = LifecycleRequestParser.capture(INTENT, "").hash();

    assertThat(LifecycleRequestParser.capture(INTENT, "{}").hash()).isEqualTo(none);
    assertThat(LifecycleRequestParser.capture(INTENT, " {\"amount\": null} ").hash()).isEqualTo(none);
    assertThat(LifecycleRequestParser.capture(INTENT, "{\"amount\": 600}").hash()).isNotEqualTo(none);
    assertThat(LifecycleRequestParser.capture(INTENT, "{\"amount\": 600}").amount()).isEqualTo(600);
  }

  @Test
  void theHashNamesTheOperationAndTheIntent() {
    String capture = LifecycleRequestParser.capture(INTENT, "").hash();

    assertThat(LifecycleRequestParser.cancel(INTENT, "").hash()).isNotEqualTo(capture);
    assertThat(LifecycleRequestParser.capture(OTHER_INTENT, "").hash()).isNotEqualTo(capture);
  }

  @Test
  void aCancelsReasonIsPartOfItsRequest() {
    assertThat(LifecycleRequestParser.cancel(INTENT, "{\"cancellationReason\": \"duplicate\"}").hash())
        .isNotEqualTo(LifecycleRequestParser.cancel(INTENT, "{}").hash());
    assertThat(LifecycleRequestParser.cancel(INTENT, "{\"cancellationReason\": \"duplicate\"}").reason())
        .isEqualTo("duplicate");
  }

  @Test
  void aRefundSpelledInAnotherOrderIsTheSameRequest() {
    LifecycleRequestParser.RefundRequest one = LifecycleRequestParser.refund("{\"paymentIntent\": \"" + INTENT
        + "\", \"amount\": 200, \"metadata\": {\"a\": \"1\", \"b\": \"2\"}}");
    LifecycleRequestParser.RefundRequest two = LifecycleRequestParser.refund("{\"metadata\": {\"b\": \"2\", "
        + "\"a\": \"1\"}, \"amount\": 200, \"paymentIntent\": \"" + INTENT + "\"}");
    LifecycleRequestParser.RefundRequest more = LifecycleRequestParser.refund("{\"paymentIntent\": \"" + INTENT
        + "\", \"amount\": 300, \"metadata\": {\"a\": \"1\", \"b\": \"2\"}}");

    assertThat(two.hash()).isEqualTo(one.hash());
    assertThat(more.hash()).isNotEqualTo(one.hash());
    assertThat(one.paymentIntent()).isEqualTo(INTENT);
    assertThat(LifecycleRequestParser.refund("{\"paymentIntent\": \"" + INTENT + "\"}").amount()).isZero();
  }
}
