package dev.paymentrouter.api;

import dev.paymentrouter.platform.EventLoopLag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The one admission decision for a merchant API write, taken where it is cheapest: in the Netty pipeline
 * ({@link AdmissionGate}) for an HTTP/1.1 request that is alone on its connection, in {@link AdmissionFilter} for the
 * rest. A write is refused {@code 503 overloaded} with {@code Retry-After} first while the API's event loops run
 * later than {@code payment-router.api.max-event-loop-lag} (the CPU cannot keep up, and every request already waits
 * that long: a limit on writes in hand cannot see time spent before it), then when the adaptive limit
 * ({@link Admission}) has no permit.
 */
@Component
final class AdmissionDoor {

  /** What the door decided: refused, or let in with a permit (none when the adaptive limit is off). */
  sealed interface Decision {}

  /** Refused; nothing was read or stored. */
  record Refused() implements Decision {}

  /** Let in; the permit, if any, must end exactly once. */
  record Admitted(Optional<Admission.Permit> permit) implements Decision {}

  private static final Refused REFUSED = new Refused();
  private static final Admitted UNLIMITED = new Admitted(Optional.empty());

  private final Admission admission;
  private final EventLoopLag lag;
  private final Duration maxLag;
  private final Counter lagging;
  private final long retryAfterSeconds;

  AdmissionDoor(AdmissionProperties properties, ApiProperties api, EventLoopLag lag, MeterRegistry meters) {
    this.admission = properties.enabled() ? new Admission(properties, meters) : null;
    this.lag = lag;
    this.maxLag = api.maxEventLoopLag();
    this.lagging = Counter.builder("payment_router.admission.lagging")
        .description("merchant API writes refused 503 overloaded at the door because the event loops ran late")
        .register(meters);
    this.retryAfterSeconds = Math.max(1, (api.retryAfter().toMillis() + 999) / 1000);
  }

  Decision decide() {
    if (lag.current().compareTo(maxLag) > 0) {
      lagging.increment();
      return REFUSED;
    }
    if (admission == null) {
      return UNLIMITED;
    }
    Optional<Admission.Permit> permit = admission.tryAcquire();
    return permit.isEmpty() ? REFUSED : new Admitted(permit);
  }

  /** Seconds for {@code Retry-After}. */
  long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The refusal's problem+json body for a request to this path, as {@link ProblemWriter} writes it. */
  byte[] refusalBody(String path) {
    return ProblemWriter.body(refusal(), path);
  }

  ApiProblem refusal() {
    return ApiProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Too many payments in flight",
        "the router is at capacity; nothing was stored, retry after " + retryAfterSeconds + " s");
  }

  /** For tests and the bench: the limiter, or null when admission is off. */
  Admission admission() {
    return admission;
  }

  /** Whether this request is a write the door decides on: a POST under the intents or refunds paths. */
  static boolean limited(String method, String path) {
    return "POST".equals(method)
        && (path.startsWith(PaymentIntentController.PATH) || path.startsWith(RefundController.PATH));
  }
}
