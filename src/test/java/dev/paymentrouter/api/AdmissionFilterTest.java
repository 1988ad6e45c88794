package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.platform.EventLoopLag;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The admission limit at the door, with a fixed limit of one so that "beyond the limit" is the second write: it is
 * refused at once with 503 and Retry-After, and the one permit comes back on every way a request can end. A permit
 * that leaked would show as a refusal of the next write, and as {@code in_flight} above zero.
 */
class AdmissionFilterTest {

  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final AdmissionFilter filter = new AdmissionFilter(new AdmissionDoor(
      new AdmissionProperties(true, AdmissionProperties.Algorithm.FIXED, 1, 1, 1, AdmissionProperties.HoldUntil.STORED,
          Duration.ofSeconds(1)),
      api(), notLagging(), meters));
  private final Sinks.Empty<Void> held = Sinks.empty();
  // What the "application" behind the filter does, chosen per request by a header.
  private final HttpHandler handler = WebHttpHandlerBuilder.webHandler(this::application).filter(filter).build();

  @AfterEach
  void releaseHeld() {
    held.tryEmitEmpty();
  }

  @Test
  void refusesAWriteBeyondTheLimitAtOnceWith503AndRetryAfter() {
    Disposable first = send(HttpMethod.POST, "/v1/payment-intents", "hang").subscribe();
    assertThat(inFlight()).isEqualTo(1);

    MockServerHttpResponse refused = answer(HttpMethod.POST, "/v1/payment-intents", "ok");

    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    assertThat(refused.getHeaders().getContentType()).isEqualTo(ProblemHandler.PROBLEM_JSON);
    assertThat(refused.getBodyAsString().block()).contains("\"code\":\"overloaded\"");
    assertThat(meters.get("payment_router.admission.refused").counter().count()).isEqualTo(1.0);
    assertThat(meters.get("payment_router.admission.limit").gauge().value()).isEqualTo(1.0);

    held.tryEmitEmpty();
    first.dispose();
    assertThat(inFlight()).isZero();
  }

  @Test
  void givesThePermitBackOnASuccessAnErrorARefusalAndACancel() {
    assertThat(answer(HttpMethod.POST, "/v1/payment-intents", "ok").getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(inFlight()).isZero();

    // An error no handler answered: the adapter answers 500 and the permit is dropped (the limit learns of it).
    assertThat(answer(HttpMethod.POST, "/v1/payment-intents", "fail").getStatusCode())
        .isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    assertThat(inFlight()).isZero();

    assertThat(answer(HttpMethod.POST, "/v1/payment-intents/pi_1/capture", "invalid").getStatusCode())
        .isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
    assertThat(inFlight()).isZero();

    // The client goes away while the write is in the router's hands.
    Disposable abandoned = send(HttpMethod.POST, "/v1/refunds", "hang").subscribe();
    assertThat(inFlight()).isEqualTo(1);
    abandoned.dispose();
    assertThat(inFlight()).isZero();

    // With a limit of one, any permit left behind would refuse this one.
    assertThat(answer(HttpMethod.POST, "/v1/payment-intents", "ok").getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(meters.get("payment_router.admission.refused").counter().count()).isZero();
  }

  @Test
  void withHoldUntilStoredACreateGivesItsPermitBackOnceItsIntentIsStored() {
    Disposable waiting = send(HttpMethod.POST, "/v1/payment-intents", "stored-then-wait").subscribe();

    assertThat(inFlight()).isZero();
    assertThat(answer(HttpMethod.POST, "/v1/payment-intents", "ok").getStatusCode()).isEqualTo(HttpStatus.CREATED);

    held.tryEmitEmpty();
    waiting.dispose();
    assertThat(inFlight()).isZero();
  }

  @Test
  void withHoldUntilAnswerACreateHoldsItsPermitUntilItsAnswer() {
    AdmissionFilter untilAnswer = new AdmissionFilter(new AdmissionDoor(new AdmissionProperties(true,
        AdmissionProperties.Algorithm.FIXED, 1, 1, 1, AdmissionProperties.HoldUntil.ANSWER, Duration.ofSeconds(1)),
        api(), notLagging(), new SimpleMeterRegistry()));
    HttpHandler limited = WebHttpHandlerBuilder.webHandler(this::application).filter(untilAnswer).build();

    Disposable waiting = limited.handle(request(HttpMethod.POST, "/v1/payment-intents", "stored-then-wait"),
        new MockServerHttpResponse()).subscribe();
    assertThat(untilAnswer.admission().inFlight()).isEqualTo(1);

    held.tryEmitEmpty();
    assertThat(untilAnswer.admission().inFlight()).isZero();
    waiting.dispose();
  }

  @Test
  void readsAndHealthPassWhileTheLimitIsReached() {
    Disposable first = send(HttpMethod.POST, "/v1/payment-intents", "hang").subscribe();

    assertThat(answer(HttpMethod.GET, "/v1/payment-intents/pi_1", "ok").getStatusCode())
        .isEqualTo(HttpStatus.CREATED);
    assertThat(answer(HttpMethod.GET, "/actuator/health", "ok").getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(answer(HttpMethod.POST, "/v1/webhook-endpoints", "ok").getStatusCode())
        .isEqualTo(HttpStatus.CREATED);
    assertThat(meters.get("payment_router.admission.refused").counter().count()).isZero();

    held.tryEmitEmpty();
    first.dispose();
    assertThat(inFlight()).isZero();
  }

  @Test
  void admissionOffLetsEveryWriteThrough() {
    AdmissionFilter off = new AdmissionFilter(new AdmissionDoor(new AdmissionProperties(false,
        AdmissionProperties.Algorithm.FIXED, 1, 1, 1, AdmissionProperties.HoldUntil.ANSWER, Duration.ofSeconds(1)),
        api(), notLagging(), new SimpleMeterRegistry()));
    HttpHandler unlimited = WebHttpHandlerBuilder.webHandler(this::application).filter(off).build();

    Disposable first = unlimited.handle(request(HttpMethod.POST, "/v1/payment-intents", "hang"),
        new MockServerHttpResponse()).subscribe();
    MockServerHttpResponse second = new MockServerHttpResponse();
    unlimited.handle(request(HttpMethod.POST, "/v1/payment-intents", "ok"), second).block(Duration.ofSeconds(5));

    assertThat(second.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(off.admission()).isNull();
    first.dispose();
  }

  private Mono<Void> application(ServerWebExchange exchange) {
    String behaviour = exchange.getRequest().getHeaders().getFirst("X-Behaviour");
    return switch (behaviour) {
      case "hang" -> held.asMono();
      case "fail" -> Mono.error(new IllegalStateException("broken on purpose"));
      case "invalid" -> status(exchange, HttpStatus.UNPROCESSABLE_CONTENT);
      case "stored-then-wait" -> Mono.deferContextual(context -> {
        Admission.routerPartDone(context);
        return held.asMono();
      });
      default -> status(exchange, HttpStatus.CREATED);
    };
  }

  private static Mono<Void> status(ServerWebExchange exchange, HttpStatus status) {
    exchange.getResponse().setStatusCode(status);
    return exchange.getResponse().setComplete();
  }

  private Mono<Void> send(HttpMethod method, String path, String behaviour) {
    return handler.handle(request(method, path, behaviour), new MockServerHttpResponse());
  }

  private MockServerHttpResponse answer(HttpMethod method, String path, String behaviour) {
    MockServerHttpResponse response = new MockServerHttpResponse();
    handler.handle(request(method, path, behaviour), response).block(Duration.ofSeconds(5));
    return response;
  }

  private static MockServerHttpRequest request(HttpMethod method, String path, String behaviour) {
    return MockServerHttpRequest.method(method, path).header("X-Behaviour", behaviour).build();
  }

  private static ApiProperties api() {
    return new ApiProperties(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofMillis(200));
  }

  private int inFlight() {
    return filter.admission().inFlight();
  }

  /** Never started, so its lag is zero: these tests are about the limit, LoadSheddingTest about the lag. */
  private static EventLoopLag notLagging() {
    return new EventLoopLag(() -> null, Duration.ofMillis(20));
  }
}
