package dev.paymentrouter.chaos;

import dev.paymentrouter.chaos.ChaosAudit.LedgerCharge;
import dev.paymentrouter.chaos.LifecycleLoad.Answer;
import dev.paymentrouter.chaos.LifecycleRows.KeyRow;
import dev.paymentrouter.chaos.LifecycleRows.ModificationRow;
import dev.paymentrouter.chaos.RouterDatabase.AttemptRow;
import dev.paymentrouter.chaos.RouterDatabase.IntentRow;
import dev.paymentrouter.simulator.SimulatorCharge;
import dev.paymentrouter.simulator.SimulatorModification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Holds the router's captures, cancels and refunds against what the providers' ledgers say moved, intent by intent
 * and key by key, and the merchant's answers against the router's rows: a pure function of the three, so that a
 * test can doctor a ledger and see each rule fail.
 *
 * <p>A provider-side modification belongs to the router row with its idempotency key (the router sends its
 * modification's key as the {@code Idempotency-Key}, and as the reference where the dialect has one), and to the
 * intent its charge belongs to. An open row (in flight, pending, unknown, also once its intent is unresolved) may have
 * moved money or not; a failed one must not have, a succeeded one must have, once. A capture takes its amount and
 * releases the rest of the authorization, a cancel releases all of it: that is how the simulators count "voided",
 * the same in every dialect ({@link #totals}).
 */
final class LifecycleAudit {

  private LifecycleAudit() {}

  /** A capture, cancel or refund as one provider's ledger holds it. */
  record LedgerModification(String provider, SimulatorModification modification) {

    /** The router's key for it: the idempotency key as received, else the reference. */
    String key() {
      return modification.idempotencyKey().isEmpty() ? modification.reference() : modification.idempotencyKey();
    }

    @Override
    public String toString() {
      return provider + ":" + modification.kind().wireName() + ":" + key() + ":" + modification.status() + ":"
          + modification.amount();
    }
  }

  /** Captured, voided (released) and refunded minor units. */
  record Totals(long captured, long voided, long refunded) {

    static final Totals NONE = new Totals(0, 0, 0);

    Totals plus(Totals other) {
      return new Totals(captured + other.captured, voided + other.voided, refunded + other.refunded);
    }
  }

  /**
   * What the audit found. Each list holds one line per offending intent, modification or answer.
   *
   * @param capturedMismatch    captured at the providers is not what the router's captures (or its automatic charge)
   *                            account for, an open capture counted as moved or not
   * @param voidedMismatch      released at the providers does not go with the router's cancels and captures
   * @param refundedMismatch    refunded at the providers is below the router's succeeded refunds, above those plus
   *                            its open ones, or above what the router received
   * @param strangers           provider-side modifications under a key the router has no row for
   * @param movedUnlikeItsRow   rows whose key moved money more than once, a failed row that moved, a succeeded one
   *                            that did not, or a provider-side record of another kind, amount, provider or intent
   * @param answeredWithoutRow  2xx answers to the merchant whose modification has no row (or another id)
   * @param overRefunds         over-refunds answered other than 422, or refused yet recorded or moved
   * @param leftOpen            (not a ledger check) rows still in flight or unknown although their intent is not
   *                            unresolved: the router neither reconciled them nor gave up on them
   */
  record Report(int intents, int manual, Map<String, Integer> modifications, int unknownReconciled,
      int unknownStillOpen, int unresolvedWithModifications, Map<String, Integer> answers, int retriedAnswers,
      List<String> capturedMismatch, List<String> voidedMismatch, List<String> refundedMismatch,
      List<String> strangers, List<String> movedUnlikeItsRow, List<String> answeredWithoutRow,
      List<String> overRefunds, List<String> leftOpen) {

    int mismatches() {
      return capturedMismatch.size() + voidedMismatch.size() + refundedMismatch.size() + strangers.size()
          + movedUnlikeItsRow.size() + answeredWithoutRow.size() + overRefunds.size();
    }

    /** The figures the closing note needs, on one line. */
    String summary() {
      return String.format(Locale.ROOT, "intents=%d manual=%d modifications(kind/status)=%s "
              + "unknownModificationsReconciled=%d unknownStillOpen=%d unresolvedIntentsWithModifications=%d "
              + "leftInFlightOrUnknown=%d answers=%s answersAfterRetries=%d mismatches=%d (captured=%d voided=%d "
              + "refunded=%d strangers=%d movedUnlikeItsRow=%d answeredWithoutRow=%d overRefunds=%d)",
          intents, manual, modifications, unknownReconciled, unknownStillOpen, unresolvedWithModifications,
          leftOpen.size(), answers, retriedAnswers, mismatches(), capturedMismatch.size(), voidedMismatch.size(),
          refundedMismatch.size(), strangers.size(), movedUnlikeItsRow.size(), answeredWithoutRow.size(),
          overRefunds.size());
    }

    /** Every mismatch, at most {@code limit} per rule. */
    String describe(int limit) {
      StringBuilder lines = new StringBuilder();
      Map<String, List<String>> rules = new LinkedHashMap<>();
      rules.put("captured", capturedMismatch);
      rules.put("voided", voidedMismatch);
      rules.put("refunded", refundedMismatch);
      rules.put("stranger", strangers);
      rules.put("movedUnlikeItsRow", movedUnlikeItsRow);
      rules.put("answeredWithoutRow", answeredWithoutRow);
      rules.put("overRefund", overRefunds);
      rules.put("leftOpen", leftOpen);
      rules.forEach((rule, offenders) -> offenders.stream().limit(limit)
          .forEach(line -> lines.append("\n  ").append(rule).append(": ").append(line)));
      return lines.toString();
    }
  }

  /** The money of one charge after the succeeded modifications in {@code done}, as the simulators count it. */
  static Totals totals(SimulatorCharge charge, List<SimulatorModification> done) {
    Totals totals = new Totals(charge.approved() ? charge.amount() : 0, 0, 0);
    for (SimulatorModification modification : done) {
      if (!modification.succeeded()) {
        continue;
      }
      long amount = modification.amount();
      totals = totals.plus(switch (modification.kind()) {
        // A capture takes its amount and lets the rest of the authorization go.
        case CAPTURE -> new Totals(amount, charge.amount() - amount, 0);
        case CANCEL -> new Totals(0, amount, 0);
        case REFUND -> new Totals(0, 0, amount);
      });
    }
    return totals;
  }

  static Report audit(List<IntentRow> intents, List<AttemptRow> attempts, LifecycleRows rows,
      List<LedgerCharge> charges, List<LedgerModification> ledger, List<Answer> answers) {
    Map<String, IntentRow> byId = new LinkedHashMap<>();
    intents.forEach(intent -> byId.put(intent.id(), intent));
    Map<String, AttemptRow> attemptByKey = new HashMap<>();
    attempts.forEach(attempt -> attemptByKey.put(attempt.providerIdempotencyKey(), attempt));

    // Each provider's charges (holds included) by their id, and the intent each belongs to.
    Map<String, LedgerCharge> chargeById = new HashMap<>();
    Map<String, String> ownerOfCharge = new HashMap<>();
    Map<String, List<LedgerCharge>> chargesByIntent = new HashMap<>();
    for (LedgerCharge charge : charges) {
      if (!ChaosAudit.holdsMoney(charge.charge())) {
        continue;
      }
      String owner = ChaosAudit.owner(charge.charge(), attemptByKey, byId);
      chargeById.put(chargeRef(charge.provider(), charge.charge().id()), charge);
      if (owner != null) {
        ownerOfCharge.put(chargeRef(charge.provider(), charge.charge().id()), owner);
        chargesByIntent.computeIfAbsent(owner, id -> new ArrayList<>()).add(charge);
      }
    }
    Map<String, List<SimulatorModification>> ledgerByCharge = new HashMap<>();
    Map<String, List<LedgerModification>> ledgerByKey = new HashMap<>();
    for (LedgerModification entry : ledger) {
      ledgerByCharge.computeIfAbsent(chargeRef(entry.provider(), entry.modification().chargeId()),
          id -> new ArrayList<>()).add(entry.modification());
      ledgerByKey.computeIfAbsent(entry.key(), key -> new ArrayList<>()).add(entry);
    }
    Map<String, List<ModificationRow>> rowsByIntent = new HashMap<>();
    Map<String, ModificationRow> rowByKey = new HashMap<>();
    Set<String> rowIds = new java.util.HashSet<>();
    for (ModificationRow row : rows.modifications()) {
      rowsByIntent.computeIfAbsent(row.intentId(), id -> new ArrayList<>()).add(row);
      rowByKey.put(row.providerKey(), row);
      rowIds.add(LifecycleRows.ref(row.intentId(), row.modificationId()));
    }

    List<String> captured = new ArrayList<>();
    List<String> voided = new ArrayList<>();
    List<String> refunded = new ArrayList<>();
    int manual = 0;
    int unresolvedWithModifications = 0;
    for (IntentRow intent : byId.values()) {
      boolean isManual = "manual".equals(rows.captureMethods().get(intent.id()));
      manual += isManual ? 1 : 0;
      List<ModificationRow> own = rowsByIntent.getOrDefault(intent.id(), List.of());
      if (intent.isUnresolved() && !own.isEmpty()) {
        unresolvedWithModifications++;
      }
      Totals atProviders = chargesByIntent.getOrDefault(intent.id(), List.of()).stream()
          .map(c -> totals(c.charge(), ledgerByCharge.getOrDefault(chargeRef(c.provider(), c.charge().id()),
              List.of())))
          .reduce(Totals.NONE, Totals::plus);
      Set<Totals> allowed = allowedCaptures(intent, isManual, own);
      String line = intent.id() + " " + intent.status() + (intent.isUnresolved() ? "(unresolved)" : "")
          + (isManual ? " manual " : " automatic ") + intent.amount() + ": providers " + atProviders
          + ", router " + own + ", allowed " + allowed;
      if (allowed.stream().noneMatch(t -> t.captured() == atProviders.captured())) {
        captured.add(line);
      } else if (allowed.stream().noneMatch(t -> t.captured() == atProviders.captured()
          && t.voided() == atProviders.voided())) {
        voided.add(line);
      }
      long refundedByRouter = sum(own, "refund", "succeeded");
      long openRefunds = own.stream().filter(r -> r.kind().equals("refund") && r.open())
          .mapToLong(ModificationRow::amount).sum();
      long received = isManual ? sum(own, "capture", "succeeded")
          : intent.status().equals("succeeded") ? intent.amount() : 0;
      if (atProviders.refunded() < refundedByRouter || atProviders.refunded() > refundedByRouter + openRefunds
          || atProviders.refunded() > received) {
        refunded.add(line + ", received " + received);
      }
    }

    // Key by key: each provider-side record is one router row's, and moved money as that row says.
    List<String> strangers = new ArrayList<>();
    List<String> unlike = new ArrayList<>();
    for (LedgerModification entry : ledger) {
      if (!rowByKey.containsKey(entry.key())) {
        strangers.add(entry + " of intent " + ownerOfCharge.get(chargeRef(entry.provider(),
            entry.modification().chargeId())));
      }
    }
    for (ModificationRow row : rows.modifications()) {
      List<LedgerModification> recorded = ledgerByKey.getOrDefault(row.providerKey(), List.of());
      long moved = recorded.stream().filter(e -> e.modification().succeeded()).count();
      List<String> problems = new ArrayList<>();
      if (moved > 1) {
        problems.add("moved " + moved + " times");
      }
      if (moved > 0 && row.status().equals("failed")) {
        problems.add("failed, yet moved");
      }
      if (moved == 0 && row.status().equals("succeeded")) {
        problems.add("succeeded, yet nothing moved");
      }
      for (LedgerModification entry : recorded) {
        String owner = ownerOfCharge.get(chargeRef(entry.provider(), entry.modification().chargeId()));
        if (!entry.provider().equals(row.provider()) || !entry.modification().kind().wireName().equals(row.kind())
            || entry.modification().amount() != row.amount() || !row.intentId().equals(owner)) {
          problems.add("recorded as " + entry + " of intent " + owner);
        }
      }
      if (!problems.isEmpty()) {
        unlike.add(row.intentId() + " " + row + ": " + String.join(", ", problems));
      }
    }

    // The merchant's answers against the rows their keys name.
    List<String> withoutRow = new ArrayList<>();
    List<String> overRefunds = new ArrayList<>();
    for (Answer answer : answers) {
      KeyRow key = rows.keys().get(answer.idempotencyKey());
      boolean hasRow = key != null && rowIds.contains(LifecycleRows.ref(key.intentId(), key.modificationId()));
      if (answer.ok() && (!hasRow || !key.intentId().equals(answer.intentId())
          || answer.modificationId() != null && !answer.modificationId().equals(key.modificationId()))) {
        withoutRow.add(answer + " names " + key);
      }
      if (answer.overRefund()) {
        boolean movedOrRecorded = hasRow || key != null && ledgerByKey.containsKey(key.modificationId());
        if (answer.httpStatus() != 422 || movedOrRecorded) {
          overRefunds.add(answer + (movedOrRecorded ? " yet recorded under " + key : ""));
        }
      }
    }

    Map<String, Integer> byKindAndStatus = new TreeMap<>();
    rows.modifications().forEach(row -> byKindAndStatus.merge(row.kind() + "/" + row.status(), 1, Integer::sum));
    int reconciled = 0;
    int stillOpen = 0;
    List<String> leftOpen = new ArrayList<>();
    for (ModificationRow row : rows.modifications()) {
      IntentRow intent = byId.get(row.intentId());
      if (!row.status().equals("pending") && row.open() && (intent == null || !intent.isUnresolved())) {
        leftOpen.add(row.intentId() + " " + row);
      }
      if (rows.unknownModified().contains(LifecycleRows.ref(row.intentId(), row.modificationId()))) {
        if (row.open()) {
          stillOpen++;
        } else {
          reconciled++;
        }
      }
    }
    Map<String, Integer> byAnswer = new TreeMap<>(answers.stream().collect(Collectors.groupingBy(
        a -> a.operation() + (a.overRefund() ? "(over)" : "") + "/" + a.httpStatus(),
        Collectors.summingInt(a -> 1))));
    return new Report(byId.size(), manual, byKindAndStatus, reconciled, stillOpen, unresolvedWithModifications,
        byAnswer, (int) answers.stream().filter(a -> a.tries() > 1).count(), captured, voided, refunded, strangers,
        unlike, withoutRow, overRefunds, leftOpen);
  }

  /**
   * The (captured, voided) pairs the providers may show for the intent, refunds aside: what its succeeded captures
   * and cancels moved, plus at most one of its open captures or cancels (the router lets one run at a time). An
   * automatic intent's charge is captured at once: its amount if it succeeded, nothing if it failed, either while
   * unresolved.
   */
  static Set<Totals> allowedCaptures(IntentRow intent, boolean manual, List<ModificationRow> own) {
    Set<Totals> allowed = new LinkedHashSet<>();
    if (!manual) {
      switch (intent.status()) {
        case "succeeded" -> allowed.add(new Totals(intent.amount(), 0, 0));
        case "failed", "canceled" -> allowed.add(Totals.NONE);
        default -> {
          allowed.add(Totals.NONE);
          allowed.add(new Totals(intent.amount(), 0, 0));
        }
      }
      return allowed;
    }
    Totals done = Totals.NONE;
    for (ModificationRow row : own) {
      if (row.status().equals("succeeded")) {
        done = done.plus(effect(intent, row));
      }
    }
    allowed.add(done);
    for (ModificationRow row : own) {
      if (row.open() && !row.kind().equals("refund")) {
        allowed.add(done.plus(effect(intent, row)));
      }
    }
    return allowed;
  }

  /** What a capture or cancel does to the authorization of the intent (refunds are counted apart). */
  private static Totals effect(IntentRow intent, ModificationRow row) {
    return switch (row.kind()) {
      case "capture" -> new Totals(row.amount(), intent.amount() - row.amount(), 0);
      case "cancel" -> new Totals(0, row.amount(), 0);
      default -> Totals.NONE;
    };
  }

  private static long sum(List<ModificationRow> rows, String kind, String status) {
    return rows.stream().filter(r -> r.kind().equals(kind) && r.status().equals(status))
        .mapToLong(ModificationRow::amount).sum();
  }

  private static String chargeRef(String provider, String chargeId) {
    return provider + "/" + chargeId;
  }
}
