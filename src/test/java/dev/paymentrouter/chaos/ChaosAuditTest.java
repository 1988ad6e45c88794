package dev.paymentrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.chaos.ChaosAudit.LedgerCharge;
import dev.paymentrouter.chaos.ChaosAudit.Report;
import dev.paymentrouter.chaos.LifecycleAudit.LedgerModification;
import dev.paymentrouter.chaos.LifecycleAudit.Totals;
import dev.paymentrouter.chaos.LifecycleLoad.Answer;
import dev.paymentrouter.chaos.LifecycleRows.KeyRow;
import dev.paymentrouter.chaos.LifecycleRows.ModificationRow;
import dev.paymentrouter.chaos.RouterDatabase.AttemptRow;
import dev.paymentrouter.chaos.RouterDatabase.IntentRow;
import dev.paymentrouter.chaos.RouterDatabase.Snapshot;
import dev.paymentrouter.simulator.SimulatorCharge;
import dev.paymentrouter.simulator.SimulatorModification;
import dev.paymentrouter.simulator.SimulatorModification.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each check of the chaos run fails on a world that breaks it, and passes on one that does not: the charges
 * ({@link ChaosAudit}) and the captures, cancels and refunds after them ({@link LifecycleAudit}), each lifecycle rule
 * against a doctored ledger or a doctored answer.
 */
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

  @Test
  void anAuthorizedIntentHoldsOneChargeAndACancelBeforeAnyApprovalNone() {
    Report report = ChaosAudit.audit(
        snapshot(List.of(intent("pi_A", "requires_capture", null), intent("pi_B", "canceled", null),
                intent("pi_C", "canceled", null)),
            List.of(attempt("pi_A", 1, "alpha", "approved"), attempt("pi_B", 1, "alpha", "approved")), Set.of()),
        List.of(authorized("alpha", "pi_A_1"), authorized("alpha", "pi_B_1"), authorized("gamma", "pi_C_1")));

    assertThat(report.unsettled()).isEmpty();
    assertThat(report.succeededNotOnce()).isEmpty();
    // pi_C was canceled before any attempt was approved: a hold at gamma is one the router never knew of.
    assertThat(report.failedButCharged()).containsExactly("pi_C");
    assertThat(report.summary()).contains("requiresCapture=1", "canceled=2", "authorizedCharges=3");
  }

  // ---- the lifecycle rules: a consistent world, then one doctored ledger (or answer) per rule ----

  @Test
  void aConsistentLifecyclePassesEveryRule() {
    LifecycleAudit.Report report = new World().audit();

    assertThat(report.mismatches()).as(report.describe(10)).isZero();
    assertThat(report.leftOpen()).isEmpty();
    assertThat(report.summary()).contains("intents=5", "manual=3", "capture/succeeded=1", "cancel/succeeded=1",
        "refund/pending=1", "capture/unknown=1", "unknownModificationsReconciled=1", "unknownStillOpen=1",
        "unresolvedIntentsWithModifications=2", "mismatches=0");
  }

  @Test
  void aPartialCaptureReleasesTheRestAndACancelAllOfIt() {
    SimulatorCharge hold = charge("pi_M_1", SimulatorCharge.AUTHORIZED, 1000);

    assertThat(LifecycleAudit.totals(hold, List.of(modification(Kind.CAPTURE, "cap_1", 600, true).modification())))
        .isEqualTo(new Totals(600, 400, 0));
    assertThat(LifecycleAudit.totals(hold, List.of(modification(Kind.CANCEL, "can_1", 1000, true).modification())))
        .isEqualTo(new Totals(0, 1000, 0));
    // A refusal the provider recorded (Adyen tells it later) moved nothing.
    assertThat(LifecycleAudit.totals(hold, List.of(modification(Kind.CAPTURE, "cap_1", 600, false).modification())))
        .isEqualTo(Totals.NONE);
  }

  @Test
  void moreCapturedAtTheProviderThanTheRouterRecordedIsCaught() {
    World world = new World();
    world.replaceLedger("cap_1", modification(Kind.CAPTURE, "cap_1", 700, true));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.capturedMismatch()).singleElement().asString().startsWith("pi_M1 ");
    assertThat(report.movedUnlikeItsRow()).singleElement().asString().contains("recorded as alpha:capture:cap_1");
  }

  @Test
  void aCanceledIntentWhoseAuthorizationWasNotReleasedIsCaught() {
    World world = new World();
    world.ledger.removeIf(entry -> entry.key().equals("can_1"));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.capturedMismatch()).isEmpty();
    assertThat(report.voidedMismatch()).singleElement().asString().startsWith("pi_M2 ");
  }

  @Test
  void anOpenCaptureAndAnOpenCancelMayNotBothHaveMoved() {
    World world = new World();
    // pi_U's unknown capture moved at the provider, and so did a cancel the router also has as unknown.
    world.rows.add(new ModificationRow("pi_U", "can_2", "cancel", 1000, "gamma", "can_2", "unknown", null));
    world.ledger.add(modification(Kind.CAPTURE, "cap_2", 1000, true));
    world.ledger.add(new LedgerModification("gamma", new SimulatorModification("cn_2", "ch_pi_U_1", "can_2",
        "can_2", Kind.CANCEL, 1000, "EUR", SimulatorModification.SUCCEEDED, null, null, NOW)));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.voidedMismatch()).singleElement().asString().startsWith("pi_U ");
  }

  @Test
  void aRefundTheRouterHasNoRecordOfIsAStrangerAndTooMuchRefunded() {
    World world = new World();
    // What chaos.self-test does: 1 given back at the provider under a key the router never used.
    world.ledger.add(new LedgerModification("beta", new SimulatorModification("rf_X", "ch_pi_A_1",
        "re_BEHIND_THE_ROUTER", "re_BEHIND_THE_ROUTER", Kind.REFUND, 1, "EUR", SimulatorModification.SUCCEEDED, null,
        null, NOW)));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.strangers()).singleElement().asString()
        .isEqualTo("beta:refund:re_BEHIND_THE_ROUTER:succeeded:1 of intent pi_A");
    assertThat(report.refundedMismatch()).singleElement().asString().startsWith("pi_A ");
  }

  @Test
  void aSucceededRefundThatNeverReachedTheProviderIsCaught() {
    World world = new World();
    world.ledger.removeIf(entry -> entry.key().equals("re_1"));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.refundedMismatch()).singleElement().asString().startsWith("pi_M1 ");
    assertThat(report.movedUnlikeItsRow()).singleElement().asString().contains("succeeded, yet nothing moved");
  }

  @Test
  void aKeyThatMovedMoneyTwiceIsCaughtEvenWhenTheSumsAgree() {
    World world = new World();
    // re_1 (200) given back as 100 twice under its key: the totals agree, the key moved twice.
    world.replaceLedger("re_1", modification(Kind.REFUND, "re_1", 100, true));
    world.ledger.add(modification(Kind.REFUND, "re_1", 100, true));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.refundedMismatch()).isEmpty();
    assertThat(report.movedUnlikeItsRow()).singleElement().asString().contains("moved 2 times");
  }

  @Test
  void aFailedCaptureThatMovedMoneyIsCaught() {
    World world = new World();
    world.rows.replaceAll(row -> row.modificationId().equals("cap_1") ? new ModificationRow("pi_M1", "cap_1",
        "capture", 600, "alpha", "cap_1", "failed", "capture_refused") : row);
    world.rows.removeIf(row -> row.modificationId().equals("re_1"));
    world.ledger.removeIf(entry -> entry.key().equals("re_1"));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.capturedMismatch()).singleElement().asString().startsWith("pi_M1 ");
    assertThat(report.movedUnlikeItsRow()).singleElement().asString().contains("failed, yet moved");
  }

  @Test
  void anAnswerWhoseModificationHasNoRowIsCaught() {
    World world = new World();
    world.keys.put("k-9", new KeyRow("k-9", "capture", "pi_U", "cap_9"));
    world.answers.add(new Answer("pi_U", "capture", "k-9", 0, false, 200, null, null, "requires_capture", false, 3));
    // A refund answered with another id than the one its key names.
    world.answers.add(new Answer("pi_M1", "refund", "k-2", 200, false, 200, null, "re_OTHER", "succeeded", true, 2));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.answeredWithoutRow()).hasSize(2);
  }

  @Test
  void anOverRefundThatWasAcceptedOrMovedMoneyIsCaught() {
    World world = new World();
    // The refused over-refund's key names re_9: the provider has a refund under it all the same.
    world.ledger.add(modification(Kind.REFUND, "re_9", 801, true));
    world.keys.put("k-4", new KeyRow("k-4", "refund", "pi_M1", "re_10"));
    world.answers.add(new Answer("pi_M1", "refund", "k-4", 900, true, 201, null, "re_10", "pending", false, 1));

    LifecycleAudit.Report report = world.audit();

    assertThat(report.overRefunds()).hasSize(2);
    assertThat(report.strangers()).hasSize(1);
  }

  @Test
  void aModificationLeftUnknownOnAnIntentNotUnresolvedIsReported() {
    World world = new World();
    world.intents.replaceAll(intent -> intent.id().equals("pi_U") ? intent("pi_U", "requires_capture", null)
        : intent);

    LifecycleAudit.Report report = world.audit();

    assertThat(report.leftOpen()).singleElement().asString().startsWith("pi_U capture cap_2");
    assertThat(report.mismatches()).isZero();
  }

  /**
   * A run in small: pi_M1 (manual) captured 600 of 1000 at alpha and refunded 200; pi_M2 (manual) canceled at alpha;
   * pi_A (automatic) charged at beta, its refund of 300 pending there (Adyen), so unresolved, and moved; pi_U (manual)
   * authorized at gamma, its capture unknown and unresolved, and not moved; pi_K (automatic) kept at alpha. The
   * merchant's answers: pi_M1's capture and refund, and an over-refund refused 422.
   */
  private static final class World {
    final List<IntentRow> intents = new ArrayList<>(List.of(intent("pi_M1", "succeeded", null),
        intent("pi_M2", "canceled", null), intent("pi_A", "succeeded", "reconciliation_exhausted"),
        intent("pi_U", "requires_capture", "reconciliation_exhausted"), intent("pi_K", "succeeded", null)));
    final List<AttemptRow> attempts = new ArrayList<>(List.of(attempt("pi_M1", 1, "alpha", "approved"),
        attempt("pi_M2", 1, "alpha", "approved"), attempt("pi_A", 1, "beta", "approved"),
        attempt("pi_U", 1, "gamma", "approved"), attempt("pi_K", 1, "alpha", "approved")));
    final List<ModificationRow> rows = new ArrayList<>(List.of(
        new ModificationRow("pi_M1", "cap_1", "capture", 600, "alpha", "cap_1", "succeeded", null),
        new ModificationRow("pi_M1", "re_1", "refund", 200, "alpha", "re_1", "succeeded", null),
        new ModificationRow("pi_M2", "can_1", "cancel", 1000, "alpha", "can_1", "succeeded", null),
        new ModificationRow("pi_A", "re_2", "refund", 300, "beta", "re_2", "pending", null),
        new ModificationRow("pi_U", "cap_2", "capture", 1000, "gamma", "cap_2", "unknown", null)));
    final Map<String, KeyRow> keys = new HashMap<>(Map.of(
        "k-1", new KeyRow("k-1", "capture", "pi_M1", "cap_1"), "k-2", new KeyRow("k-2", "refund", "pi_M1", "re_1"),
        "k-3", new KeyRow("k-3", "refund", "pi_M1", "re_9")));
    final List<LedgerCharge> charges = new ArrayList<>(List.of(
        new LedgerCharge("alpha", charge("pi_M1_1", SimulatorCharge.AUTHORIZED, 1000)),
        new LedgerCharge("alpha", charge("pi_M2_1", SimulatorCharge.AUTHORIZED, 1000)),
        new LedgerCharge("beta", charge("pi_A_1", SimulatorCharge.APPROVED, 1000)),
        new LedgerCharge("gamma", charge("pi_U_1", SimulatorCharge.AUTHORIZED, 1000)),
        new LedgerCharge("alpha", charge("pi_K_1", SimulatorCharge.APPROVED, 1000))));
    final List<LedgerModification> ledger = new ArrayList<>(List.of(modification(Kind.CAPTURE, "cap_1", 600, true),
        modification(Kind.REFUND, "re_1", 200, true), modification(Kind.CANCEL, "can_1", 1000, true),
        modification(Kind.REFUND, "re_2", 300, true)));
    final List<Answer> answers = new ArrayList<>(List.of(
        new Answer("pi_M1", "capture", "k-1", 600, false, 200, null, null, "succeeded", false, 2),
        new Answer("pi_M1", "refund", "k-2", 200, false, 201, null, "re_1", "succeeded", false, 1),
        new Answer("pi_M1", "refund", "k-3", 801, true, 422, "amount_too_large", null, null, false, 1)));
    // pi_M1's capture went unknown once (a lost response) and was reconciled; pi_U's still is.
    final Set<String> unknown = Set.of(LifecycleRows.ref("pi_M1", "cap_1"), LifecycleRows.ref("pi_U", "cap_2"));

    void replaceLedger(String key, LedgerModification replacement) {
      ledger.replaceAll(entry -> entry.key().equals(key) ? replacement : entry);
    }

    LifecycleAudit.Report audit() {
      Map<String, String> methods = Map.of("pi_M1", "manual", "pi_M2", "manual", "pi_U", "manual", "pi_A",
          "automatic", "pi_K", "automatic");
      return LifecycleAudit.audit(intents, attempts, new LifecycleRows(methods, rows, keys, unknown), charges,
          ledger, answers);
    }
  }

  /** A succeeded (or recorded-refused) modification of the charge its key's intent holds, at that intent's provider. */
  private static LedgerModification modification(Kind kind, String key, long amount, boolean succeeded) {
    String intent = switch (key) {
      case "cap_1", "re_1", "re_9" -> "pi_M1";
      case "can_1" -> "pi_M2";
      case "re_2" -> "pi_A";
      default -> "pi_U";
    };
    String provider = switch (intent) {
      case "pi_A" -> "beta";
      case "pi_U" -> "gamma";
      default -> "alpha";
    };
    return new LedgerModification(provider, new SimulatorModification("md_" + key + "_" + amount, "ch_" + intent
        + "_1", key, key, kind, amount, "EUR", succeeded ? SimulatorModification.SUCCEEDED
        : SimulatorModification.REFUSED, succeeded ? null : "refused", null, NOW));
  }

  private static SimulatorCharge charge(String key, String status, long amount) {
    return new SimulatorCharge("ch_" + key, key, key, amount, "EUR", status, null, NOW);
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

  private static LedgerCharge authorized(String provider, String key) {
    return new LedgerCharge(provider, new SimulatorCharge("ch_" + key, key, key, 1000, "EUR",
        SimulatorCharge.AUTHORIZED, null, NOW));
  }

  private static LedgerCharge declined(String provider, String key) {
    return new LedgerCharge(provider, new SimulatorCharge("ch_" + key, key, key, 1000, "EUR",
        SimulatorCharge.DECLINED, "card_declined", NOW));
  }
}
