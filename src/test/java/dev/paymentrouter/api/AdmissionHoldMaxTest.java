package dev.paymentrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code hold-max}: a write that holds its permit that long without an answer gives it back, so that writes waiting
 * on a slow provider cannot take every permit. One permit (a fixed limit of 1) and a clock the test moves.
 */
class AdmissionHoldMaxTest {

  private final AtomicLong nanos = new AtomicLong();
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final Admission admission = new Admission(new AdmissionProperties(true, AdmissionProperties.Algorithm.FIXED,
      1, 1, 1, AdmissionProperties.HoldUntil.ANSWER, Duration.ofSeconds(1)), meters, nanos::get);

  @Test
  void aPermitHeldUnansweredForHoldMaxIsGivenBackToTheNextWrite() {
    Admission.Permit slow = admission.tryAcquire().orElseThrow();

    advance(Duration.ofMillis(999));
    assertThat(admission.tryAcquire()).isEmpty();

    advance(Duration.ofMillis(1));
    Optional<Admission.Permit> next = admission.tryAcquire();
    assertThat(next).isPresent();
    assertThat(meters.get("payment_router.admission.held_too_long").counter().count()).isEqualTo(1);

    // The slow write's answer comes at last: its permit already ended, the next write's is not taken from it.
    slow.answered(201);
    assertThat(admission.inFlight()).isEqualTo(1);
    next.get().answered(201);
    assertThat(admission.inFlight()).isZero();
  }

  @Test
  void aPermitAnsweredInTimeIsNotCountedAsHeldTooLong() {
    admission.tryAcquire().orElseThrow().answered(201);
    advance(Duration.ofSeconds(5));

    admission.tryAcquire().orElseThrow().answered(503);

    assertThat(meters.get("payment_router.admission.held_too_long").counter().count()).isZero();
    assertThat(admission.inFlight()).isZero();
  }

  @Test
  void answeredPermitsAreForgottenSoTheQueueStaysAsLongAsHoldMax() {
    for (int i = 0; i < 10_000; i++) {
      admission.tryAcquire().orElseThrow().answered(201);
      advance(Duration.ofMillis(1));
    }

    // Only the last write's permit is still queued: each acquire forgot the answered ones ahead of it.
    assertThat(admission.heldQueued()).isEqualTo(1);
  }

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }
}
