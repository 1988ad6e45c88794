package dev.paymentrouter.stripeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.StripeCollection;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCancelParams;
import com.stripe.param.PaymentIntentCaptureParams;
import com.stripe.param.PaymentIntentConfirmParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentIntentListParams;
import com.stripe.param.PaymentIntentUpdateParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.RefundListParams;
import dev.paymentrouter.testsupport.IntentClient;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import dev.paymentrouter.testsupport.TightInboundLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Stripe's own Java client, unchanged but for its API base, against the router's Stripe-compatible door over HTTP:
 * payments, declines, captures, cancels, refunds, lists, idempotency and a retry after a lost answer, routed to the
 * simulators by the router's rules.
 */
@Import(TightInboundLimits.class)
@TestPropertySource(properties = {
    "payment-router.stripe-api.enabled=true",
    "payment-router.stripe-api.port=0"
})
class StripeJavaClientTest extends RouterIntegrationTest {

  @Value("${" + StripeApiServer.PORT_PROPERTY + "}")
  int stripePort;

  String apiKey;
  StripeClient stripe;

  @BeforeEach
  void merchantWithAStripeClient() {
    apiKey = newMerchant();
    stripe = client(apiKey, "http://127.0.0.1:" + stripePort);
  }

  static StripeClient client(String apiKey, String apiBase) {
    return StripeClient.builder().setApiKey(apiKey).setApiBase(apiBase).build();
  }

  @Test
  void aPaymentCreatedAndConfirmedInOneCallSucceedsAndShowsWhereItWasRouted() throws StripeException {
    PaymentIntent intent = stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
        .setAmount(1299L).setCurrency("eur").setPaymentMethod("pm_card_visa").setConfirm(true)
        .putMetadata("order_id", "6735").setDescription("Order 6735").build());

    assertThat(intent.getId()).startsWith("pi_");
    assertThat(intent.getObject()).isEqualTo("payment_intent");
    assertThat(intent.getStatus()).isEqualTo("succeeded");
    assertThat(intent.getAmount()).isEqualTo(1299L);
    assertThat(intent.getAmountReceived()).isEqualTo(1299L);
    assertThat(intent.getCurrency()).isEqualTo("eur");
    assertThat(intent.getLivemode()).isFalse();
    assertThat(intent.getLatestCharge()).startsWith("ch_");
    assertThat(intent.getDescription()).isEqualTo("Order 6735");
    assertThat(intent.getMetadata()).containsEntry("order_id", "6735").containsEntry("router_provider", "alpha")
        .containsEntry("router_attempts", "1:alpha:approved");
    assertThat(intent.getLastResponse().headers().firstValue("Request-Id")).hasValueSatisfying(
        id -> assertThat(id).startsWith("req_"));
    // The same intent in the native API, with its attempt.
    JsonNode asNative = new IntentClient(client, apiKey).get(intent.getId());
    assertThat(asNative.path("status").stringValue()).isEqualTo("succeeded");
    assertThat(asNative.path("description").stringValue()).isEqualTo("Order 6735");
    assertThat(asNative.path("attempts").get(0).path("provider").stringValue()).isEqualTo("alpha");
    assertThat(stripe.v1().paymentIntents().retrieve(intent.getId()).getStatus()).isEqualTo("succeeded");
    assertThat(stored(intent.getId())).containsEntry("description", "Order 6735");
  }

  @Test
  void aDeclinedCardRaisesCardExceptionWithItsDeclineCode() {
    assertThatThrownBy(() -> stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
            .setAmount(2000L).setCurrency("usd").setPaymentMethod("pm_card_chargeDeclinedInsufficientFunds")
            .setConfirm(true).build()))
        .isInstanceOfSatisfying(CardException.class, declined -> {
          assertThat(declined.getStatusCode()).isEqualTo(402);
          assertThat(declined.getCode()).isEqualTo("card_declined");
          assertThat(declined.getDeclineCode()).isEqualTo("insufficient_funds");
          PaymentIntent intent = declined.getStripeError().getPaymentIntent();
          assertThat(intent.getStatus()).isEqualTo("requires_payment_method");
          assertThat(intent.getLastPaymentError().getDeclineCode()).isEqualTo("insufficient_funds");
        });
  }

  @Test
  void aManualCaptureIsHeldThenCapturedInPart() throws StripeException {
    PaymentIntent held = stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
        .setAmount(1000L).setCurrency("eur").setPaymentMethod("pm_card_visa").setConfirm(true)
        .setCaptureMethod(PaymentIntentCreateParams.CaptureMethod.MANUAL).build());
    assertThat(held.getStatus()).isEqualTo("requires_capture");
    assertThat(held.getAmountCapturable()).isEqualTo(1000L);
    assertThat(held.getCaptureMethod()).isEqualTo("manual");

    PaymentIntent captured = stripe.v1().paymentIntents().capture(held.getId(),
        PaymentIntentCaptureParams.builder().setAmountToCapture(600L).build());

    assertThat(captured.getStatus()).isEqualTo("succeeded");
    assertThat(captured.getAmountReceived()).isEqualTo(600L);
    assertThat(captured.getAmountCapturable()).isZero();
  }

  @Test
  void aHeldAuthorizationIsCanceled() throws StripeException {
    PaymentIntent held = stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
        .setAmount(1000L).setCurrency("eur").setPaymentMethod("pm_card_visa").setConfirm(true)
        .setCaptureMethod(PaymentIntentCreateParams.CaptureMethod.MANUAL).build());

    PaymentIntent canceled = stripe.v1().paymentIntents().cancel(held.getId(), PaymentIntentCancelParams.builder()
        .setCancellationReason(PaymentIntentCancelParams.CancellationReason.REQUESTED_BY_CUSTOMER).build());

    assertThat(canceled.getStatus()).isEqualTo("canceled");
    assertThat(canceled.getCancellationReason()).isEqualTo("requested_by_customer");
    assertThat(canceled.getCanceledAt()).isNotNull();
    assertThatThrownBy(() -> stripe.v1().paymentIntents().capture(held.getId()))
        .isInstanceOfSatisfying(InvalidRequestException.class,
            refused -> assertThat(refused.getCode()).isEqualTo("payment_intent_unexpected_state"));
  }

  @Test
  void twoPartialRefundsGoThroughAndAnOverRefundIsRefused() throws StripeException {
    PaymentIntent paid = paid(1000L);

    Refund first = stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(paid.getId())
        .setAmount(300L).setReason(RefundCreateParams.Reason.REQUESTED_BY_CUSTOMER).build());
    Refund second = stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(paid.getId())
        .setAmount(500L).putMetadata("ticket", "T-1").build());

    assertThat(first.getStatus()).isEqualTo("succeeded");
    assertThat(first.getObject()).isEqualTo("refund");
    assertThat(first.getReason()).isEqualTo("requested_by_customer");
    assertThat(second.getPaymentIntent()).isEqualTo(paid.getId());
    assertThat(second.getMetadata()).containsEntry("ticket", "T-1");
    // 200 is left: 300 more would give back more than was taken.
    assertThatThrownBy(() -> stripe.v1().refunds().create(RefundCreateParams.builder()
            .setPaymentIntent(paid.getId()).setAmount(300L).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, refused -> {
          assertThat(refused.getStatusCode()).isEqualTo(400);
          assertThat(refused.getCode()).isEqualTo("amount_too_large");
          assertThat(refused.getParam()).isEqualTo("amount");
        });
    StripeCollection<Refund> refunds = stripe.v1().refunds().list(RefundListParams.builder()
        .setPaymentIntent(paid.getId()).build());
    assertThat(refunds.getData()).extracting(Refund::getId).containsExactly(second.getId(), first.getId());
    assertThat(stripe.v1().refunds().retrieve(first.getId()).getAmount()).isEqualTo(300L);
  }

  @Test
  void aListIsReadPageByPageByTheClientsAutoPagination() throws StripeException {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(paid(100L + i).getId());
    }
    // One not confirmed: a PaymentIntent all the same, in the same list.
    created.add(stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
        .setAmount(700L).setCurrency("eur").build()).getId());
    List<String> newestFirst = created.reversed();

    List<String> listed = new ArrayList<>();
    stripe.v1().paymentIntents().list(PaymentIntentListParams.builder().setLimit(2L).build())
        .autoPagingIterable().forEach(intent -> listed.add(intent.getId()));

    assertThat(listed).containsExactlyElementsOf(newestFirst);
    StripeCollection<PaymentIntent> before = stripe.v1().paymentIntents().list(PaymentIntentListParams.builder()
        .setLimit(2L).setEndingBefore(newestFirst.get(4)).build());
    assertThat(before.getData()).extracting(PaymentIntent::getId)
        .containsExactly(newestFirst.get(2), newestFirst.get(3));
    assertThat(before.getHasMore()).isTrue();
  }

  @Test
  void aKeyReusedWithOtherParametersRaisesIdempotencyException() throws StripeException {
    String key = UUID.randomUUID().toString();
    RequestOptions underKey = RequestOptions.builder().setIdempotencyKey(key).build();
    PaymentIntent first = stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
        .setAmount(1000L).setCurrency("eur").setPaymentMethod("pm_card_visa").setConfirm(true).build(), underKey);

    PaymentIntent replayed = stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
        .setAmount(1000L).setCurrency("eur").setPaymentMethod("pm_card_visa").setConfirm(true).build(), underKey);

    assertThat(replayed.getId()).isEqualTo(first.getId());
    assertThat(replayed.getLastResponse().headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThatThrownBy(() -> stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
            .setAmount(2000L).setCurrency("eur").setPaymentMethod("pm_card_visa").setConfirm(true).build(),
            underKey))
        .isInstanceOfSatisfying(IdempotencyException.class,
            refused -> assertThat(refused.getStatusCode()).isEqualTo(400));
    assertThat(countIntentsOf(apiKey)).isEqualTo(1);
  }

  @Test
  void theClientsRetryAfterALostAnswerCreatesOneIntent() throws Exception {
    try (ResponseDroppingProxy proxy = new ResponseDroppingProxy(stripePort)) {
      StripeClient throughProxy = StripeClient.builder().setApiKey(apiKey)
          .setApiBase("http://127.0.0.1:" + proxy.port()).setReadTimeout(1_500).setMaxNetworkRetries(2).build();

      PaymentIntent intent = throughProxy.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
          .setAmount(4200L).setCurrency("eur").setPaymentMethod("pm_card_visa").setConfirm(true).build());

      // The first answer was lost after the router created the intent; the retry under the same key found it.
      assertThat(intent.getStatus()).isEqualTo("succeeded");
      assertThat(intent.getLastResponse().headers().firstValue("Idempotent-Replayed")).hasValue("true");
      assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
      assertThat(countIntentsOf(apiKey)).isEqualTo(1);
    }
  }

  @Test
  void aPaymentIntentCreatedUnconfirmedIsChangedThenConfirmed() throws StripeException {
    PaymentIntent draft = stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
        .setAmount(1500L).setCurrency("eur").setPaymentMethod("pm_card_visa").putMetadata("cart", "c-9").build());
    assertThat(draft.getStatus()).isEqualTo("requires_confirmation");

    PaymentIntent changed = stripe.v1().paymentIntents().update(draft.getId(), PaymentIntentUpdateParams.builder()
        .setAmount(1600L).setDescription("Cart c-9").build());
    assertThat(changed.getAmount()).isEqualTo(1600L);

    PaymentIntent confirmed = stripe.v1().paymentIntents().confirm(draft.getId(),
        PaymentIntentConfirmParams.builder().build());
    assertThat(confirmed.getId()).isEqualTo(draft.getId());
    assertThat(confirmed.getStatus()).isEqualTo("succeeded");
    assertThat(confirmed.getAmountReceived()).isEqualTo(1600L);
    assertThat(confirmed.getMetadata()).containsEntry("cart", "c-9").containsKey("router_provider");

    PaymentIntent annotated = stripe.v1().paymentIntents().update(draft.getId(), PaymentIntentUpdateParams.builder()
        .putMetadata("shipped", "yes").build());
    assertThat(annotated.getMetadata()).containsEntry("cart", "c-9").containsEntry("shipped", "yes");
    assertThat(annotated.getDescription()).isEqualTo("Cart c-9");
    assertThatThrownBy(() -> stripe.v1().paymentIntents().confirm(draft.getId()))
        .isInstanceOfSatisfying(InvalidRequestException.class,
            refused -> assertThat(refused.getCode()).isEqualTo("payment_intent_unexpected_state"));
    assertThat(new IntentClient(client, apiKey).get(draft.getId()).path("metadata").path("shipped").stringValue())
        .isEqualTo("yes");
    // Stored as they are shown: the events that stated them set the intent's columns.
    assertThat(stored(draft.getId())).containsEntry("description", "Cart c-9").containsEntry("shipped", "yes")
        .containsEntry("cart", "c-9");
  }

  private Map<String, Object> stored(String intentId) {
    return db.sql("""
            select description, metadata ->> 'shipped' as shipped, metadata ->> 'cart' as cart
              from payment_intents where id = :id""")
        .bind("id", intentId).fetch().one().block(Duration.ofSeconds(10));
  }

  @Test
  void refusalsComeInStripesShapeAndStatusCodes() {
    assertThatThrownBy(() -> client("sk_test_" + "0".repeat(40), "http://127.0.0.1:" + stripePort)
            .v1().paymentIntents().retrieve("pi_missing"))
        .isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(() -> stripe.v1().paymentIntents().retrieve("pi_missing"))
        .isInstanceOfSatisfying(InvalidRequestException.class, missing -> {
          assertThat(missing.getStatusCode()).isEqualTo(404);
          assertThat(missing.getCode()).isEqualTo("resource_missing");
        });
    assertThatThrownBy(() -> stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
            .setAmount(100L).setCurrency("eur").putExtraParam("colour", "blue").build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, unknown -> {
          assertThat(unknown.getCode()).isEqualTo("parameter_unknown");
          assertThat(unknown.getParam()).isEqualTo("colour");
        });
    assertThatThrownBy(() -> stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
            .setAmount(100L).setCurrency("eur").setCustomer("cus_123").build()))
        .isInstanceOfSatisfying(InvalidRequestException.class,
            unsupported -> assertThat(unsupported.getMessage()).contains("Customers are not supported"));
    assertThatThrownBy(() -> stripe.v1().customers().create(CustomerCreateParams.builder().setName("Ann").build()))
        .isInstanceOfSatisfying(InvalidRequestException.class,
            unserved -> assertThat(unserved.getStatusCode()).isEqualTo(404));
  }

  @Test
  void aMerchantOverItsInboundLimitGetsRateLimitExceptionAsOnTheNativeApi() {
    String key = newMerchant(TightInboundLimits.PREFIX + System.nanoTime());
    StripeClient throttled = StripeClient.builder().setApiKey(key).setApiBase("http://127.0.0.1:" + stripePort)
        .setMaxNetworkRetries(0).build();
    List<Throwable> refused = new ArrayList<>();
    // One request a second, one at once: of three sent together at least one is over the limit.
    for (int i = 0; i < 3; i++) {
      try {
        throttled.v1().paymentIntents().list();
      } catch (StripeException e) {
        refused.add(e);
      }
    }
    assertThat(refused).isNotEmpty().allSatisfy(error -> assertThat(error).isInstanceOfSatisfying(
        RateLimitException.class, limited -> assertThat(limited.getStatusCode()).isEqualTo(429)));
  }

  @Test
  void basicCredentialsAsCurlSendsThemAreAccepted() {
    WebTestClient door = http("http://127.0.0.1:" + stripePort);
    String basic = Base64.getEncoder().encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));

    door.post().uri("/v1/payment_intents")
        .header(HttpHeaders.AUTHORIZATION, "Basic " + basic)
        .header("Stripe-Version", "2024-06-20")
        .header(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded")
        .bodyValue("amount=500&currency=eur&payment_method=pm_card_visa&confirm=true&metadata[order]=o-1")
        .exchange()
        .expectStatus().isOk()
        .expectHeader().valueEquals("Stripe-Version", "2024-06-20")
        .expectHeader().exists("Request-Id")
        .expectBody()
        .jsonPath("$.status").isEqualTo("succeeded")
        .jsonPath("$.metadata.order").isEqualTo("o-1")
        .jsonPath("$.amount_received").isEqualTo(500);
  }

  private PaymentIntent paid(long amount) throws StripeException {
    return stripe.v1().paymentIntents().create(PaymentIntentCreateParams.builder()
        .setAmount(amount).setCurrency("eur").setPaymentMethod("pm_card_visa").setConfirm(true).build());
  }
}
