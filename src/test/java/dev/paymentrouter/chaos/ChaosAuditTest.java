package dev.paymentrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.chaos.ChaosAudit.LedgerCharge;
import dev.paymentrouter.chaos.ChaosAudit.Report;
import dev.paymentrouter.chaos.RouterDatabase.AttemptRow;
import dev.paymentrouter.chaos.RouterDatabase.IntentRow;
import dev.paymentrouter.chaos.RouterDatabase.Snapshot;
import dev.paymentrouter.simulator.SimulatorCharge;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each check of the chaos run fails on a world that breaks it, and passes on one that does not. */
class ChaosAuditTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void aConsistentWorldPassesEveryCheck() {
    Snapshot snapshot = snapshot(
        List.of(intent("pi_A", "succeeded", null), intent("pi_B", "failed", null),
            intent("pi_C", "processing", "reconciliation_exhausted"), intent("pi_D", "succeeded", null)),
        List.of(attempt("pi_A", 1, "alpha", "approved"),
            attempt("pi_B", 1, "alpha", "not_sent"), attempt("pi_B", 2, "beta", "declined"),
            attempt("pi_C", 1, "gamma", "unknown"),
            attempt("pi_D", 1, "alpha", "approved")),
        Set.of(Snapshot.attemptRef("pi_D", 1), Snapshot.attemptRef("pi_C", 1)));

    Report report = ChaosAudit.audit(snapshot, List.of(
        approved("alpha", "pi_A_1"), declined("beta", "pi_B_2"), approved("gamma", "pi_C_1"),
        approved("alpha", "pi_D_1")));

    assertThat(report.unsettled()).isEmpty();
    assertThat(report.doubleCharged()).isEmpty();
    assertThat(report.succeededNotOnce()).isEmpty();
    assertThat(report.failedButCharged()).isEmpty();
    assertThat(report.strangerCharges()).isEmpty();
    assertThat(report.wrongAttemptCharged()).isEmpty();
    // An unresolved intent may hold a charge: it is reported, not a violation.
    assertThat(report.chargedNotFinal()).containsExactly("pi_C");
    assertThat(report.summary()).contains("intents=4", "attempts=5", "failovers=1", "unresolved=1",
        "unknownsReconciled=1", "doubleCharges=0", "succeeded=2", "failed=1");
  }

  @Test
  void anIntentLeftProcessingIsUnsettled() {
    Report report = ChaosAudit.audit(
        snapshot(List.of(intent("pi_A", "processing", null)), List.of(attempt("pi_A", 1, "alpha", "unknown")),
            Set.of(Snapshot.attemptRef("pi_A", 1))),
        List.of(approved("alpha", "pi_A_1")));

    assertThat(report.unsettled()).containsExactly("pi_A");
    assertThat(report.unknownsReconciled()).isZero();
    assertThat(report.unsettledBreakdown()).isEqualTo("{processing/unknown=1}");
    assertThat(report.describe(report.unsettled(), 10)).contains("pi_A processing", "alpha#1:unknown",
        "alpha:pi_A_1:approved");
  }

  @Test
  void twoApprovedChargesOnDifferentProvidersAreADoubleCharge() {
    Report report = ChaosAudit.audit(
        snapshot(List.of(intent("pi_A", "succeeded", null)),
            List.of(attempt("pi_A", 1, "alpha", "unknown"), attempt("pi_A", 2, "beta", "approved")), Set.of()),
        List.of(approved("alpha", "pi_A_1"), approved("beta", "pi_A_2")));

    assertThat(report.doubleCharged()).containsExactly("pi_A");
    assertThat(report.succeededNotOnce()).containsExactly("pi_A");
  }

  @Test
  void aSucceededIntentWithoutAChargeIsCaught() {
    Report report = ChaosAudit.audit(
        snapshot(List.of(intent("pi_A", "succeeded", null)), List.of(attempt("pi_A", 1, "alpha", "approved")),
            Set.of()),
        List.of(declined("alpha", "pi_A_1")));

    assertThat(report.succeededNotOnce()).containsExactly("pi_A");
  }

  @Test
  void aFailedIntentThatWasChargedIsCaught() {
    Report report = ChaosAudit.audit(
        snapshot(List.of(intent("pi_A", "failed", null)), List.of(attempt("pi_A", 1, "gamma", "unknown")),
            Set.of(Snapshot.attemptRef("pi_A", 1))),
        List.of(approved("gamma", "pi_A_1")));

    assertThat(report.failedButCharged()).containsExactly("pi_A");
  }

  @Test
  void aChargeOfNoKnownIntentIsAStranger() {
    Report report = ChaosAudit.audit(snapshot(List.of(), List.of(), Set.of()),
        List.of(approved("beta", "pi_ELSEWHERE_1")));

    assertThat(report.strangerCharges()).containsExactly("beta:pi_ELSEWHERE_1:approved:1000");
  }

  @Test
  void aChargeUnderAKeyTheRouterNeverRecordedStillBelongsToItsIntent() {
    Report report = ChaosAudit.audit(
        snapshot(List.of(intent("pi_A", "failed", null)), List.of(attempt("pi_A", 1, "alpha", "declined")),
            Set.of()),
        List.of(approved("beta", "pi_A_2")));

    assertThat(report.failedButCharged()).containsExactly("pi_A");
    assertThat(report.strangerCharges()).isEmpty();
  }

  @Test
  void aSuccessRecordedOnAnotherAttemptThanTheChargedOneIsReported() {
    Report report = ChaosAudit.audit(
        snapshot(List.of(intent("pi_A", "succeeded", null)),
            List.of(attempt("pi_A", 1, "alpha", "not_sent"), attempt("pi_A", 2, "beta", "approved")), Set.of()),
        List.of(approved("alpha", "pi_A_1")));

    assertThat(report.succeededNotOnce()).isEmpty();
    assertThat(report.wrongAttemptCharged()).containsExactly("pi_A");
  }

  @Test
  void waitsForTheRouterAreCountedWithHowTheyEndedAndHowLongTheyTook() {
    Snapshot snapshot = new Snapshot(true,
        List.of(intent("pi_A", "succeeded", null), intent("pi_B", "failed", null), intent("pi_C", "succeeded", null)),
        List.of(attempt("pi_A", 1, "alpha", "not_sent"), attempt("pi_A", 2, "alpha", "approved"),
            attempt("pi_B", 1, "alpha", "not_sent"), attempt("pi_C", 1, "alpha", "approved")),
        Set.of(),
        List.of(new RouterDatabase.ParkRow("pi_A", 1, 400L), new RouterDatabase.ParkRow("pi_B", 3, 5_000L)));

    Report report = ChaosAudit.audit(snapshot, List.of(approved("alpha", "pi_A_2"), approved("alpha", "pi_C_1")));

    assertThat(report.waits()).isEqualTo(new ChaosAudit.Waits(2, 4, 1, 1, 0, 5_000, 5_000, 5_000));
    assertThat(report.waitSummary()).isEqualTo(
        "waited=2 parks=4 thenSucceeded=1 thenFailed=1 stillWaiting=0 waitMs(p50=5000 p95=5000 max=5000)");
    assertThat(report.failedButCharged()).isEmpty();
  }

  private static Snapshot snapshot(List<IntentRow> intents, List<AttemptRow> attempts, Set<String> unknown) {
    return new Snapshot(true, intents, attempts, unknown);
  }

  private static IntentRow intent(String id, String status, String unresolvedReason) {
    return new IntentRow(id, "key-" + id, status, 1000, "EUR", status.equals("failed") ? "card_declined" : null,
        unresolvedReason);
  }

  private static AttemptRow attempt(String intentId, int number, String provider, String status) {
    return new AttemptRow(intentId, number, provider, intentId + "_" + number, status, null);
  }

  private static LedgerCharge approved(String provider, String key) {
    return new LedgerCharge(provider, new SimulatorCharge("ch_" + key, key, key, 1000, "EUR",
        SimulatorCharge.APPROVED, null, NOW));
  }

  private static LedgerCharge declined(String provider, String key) {
    return new LedgerCharge(provider, new SimulatorCharge("ch_" + key, key, key, 1000, "EUR",
        SimulatorCharge.DECLINED, "card_declined", NOW));
  }
}
