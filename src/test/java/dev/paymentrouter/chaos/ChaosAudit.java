package dev.paymentrouter.chaos;

import dev.paymentrouter.chaos.RouterDatabase.AttemptRow;
import dev.paymentrouter.chaos.RouterDatabase.IntentRow;
import dev.paymentrouter.chaos.RouterDatabase.Snapshot;
import dev.paymentrouter.simulator.SimulatorCharge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Holds what the router stored against what the providers' ledgers say, intent by intent: a pure function of
 * the two, so that a test can feed it a broken world and see each check fail.
 *
 * <p>A provider charge belongs to the intent whose attempt used its idempotency key ({@code <intent>_<n>}, also
 * sent as the charge's reference). Approved charges are money taken; an authorization (a manual capture's hold) is
 * money held, which counts the same here: an intent holds at most one of either, whatever became of it later (the
 * captures, cancels and refunds are {@link LifecycleAudit}'s).
 */
final class ChaosAudit {

  private ChaosAudit() {}

  /** A charge as one provider's ledger holds it. */
  record LedgerCharge(String provider, SimulatorCharge charge) {

    @Override
    public String toString() {
      return provider + ":" + charge.idempotencyKey() + ":" + charge.status() + ":" + charge.amount();
    }
  }

  /**
   * What the audit found.
   *
   * @param unsettled          intents neither final nor explicitly unresolved
   * @param doubleCharged      intents with more than one approved charge across all providers
   * @param succeededNotOnce   succeeded intents (or authorized ones: requires_capture, or canceled after an
   *                           approval) without exactly one approved or authorized charge
   * @param failedButCharged   failed intents (or canceled before any approval) with an approved or authorized charge
   * @param strangerCharges    approved charges that belong to no intent of the run
   * @param chargedNotFinal    (diagnostic) open or unresolved intents that hold an approved charge
   * @param wrongAttemptCharged (diagnostic) succeeded intents whose approved attempt is not the one charged
   * @param unsettledCauses    unsettled intents by status and last attempt, e.g. {@code processing/in_flight}
   * @param waits              how intents waited for providers the router itself held back
   */
  record Report(
      int intents,
      int attempts,
      int failovers,
      int unknownAttempts,
      int unknownsReconciled,
      int succeeded,
      int failed,
      int requiresCapture,
      int canceled,
      int unresolved,
      long approvedCharges,
      long authorizedCharges,
      long declinedCharges,
      List<String> unsettled,
      List<String> doubleCharged,
      List<String> succeededNotOnce,
      List<String> failedButCharged,
      List<String> strangerCharges,
      List<String> chargedNotFinal,
      List<String> wrongAttemptCharged,
      Map<String, Integer> unsettledCauses,
      Map<String, String> details,
      Waits waits) {

    /** Intents that hold more than one approved charge: the number of double charges. */
    int doubleCharges() {
      return doubleCharged.size();
    }

    /** The first {@code limit} offenders, each with its status, attempts and charges. */
    String describe(List<String> offenders, int limit) {
      return offenders.stream().limit(limit)
          .map(id -> details.getOrDefault(id, id))
          .collect(Collectors.joining("\n  ", "\n  ", offenders.size() > limit ? "\n  ..." : ""));
    }

    /** The counts the issue asks for, on one line. */
    String summary() {
      return String.format(java.util.Locale.ROOT,
          "intents=%d attempts=%d failovers=%d unknownAttempts=%d unknownsReconciled=%d unresolved=%d "
              + "doubleCharges=%d succeeded=%d failed=%d requiresCapture=%d canceled=%d notFinalNorUnresolved=%d "
              + "succeededWithoutOneCharge=%d failedButCharged=%d strangerCharges=%d approvedCharges=%d "
              + "authorizedCharges=%d declinedCharges=%d chargedButNotFinal=%d wrongAttemptCharged=%d",
          intents, attempts, failovers, unknownAttempts, unknownsReconciled, unresolved, doubleCharges(),
          succeeded, failed, requiresCapture, canceled, unsettled.size(), succeededNotOnce.size(),
          failedButCharged.size(), strangerCharges.size(), approvedCharges, authorizedCharges, declinedCharges,
          chargedNotFinal.size(), wrongAttemptCharged.size());
    }

    /** The waits for the router on one line. */
    String waitSummary() {
      return waits.summary();
    }

    /** Why intents are unsettled, e.g. {@code {processing/in_flight=210, processing/unknown(timeout)=70}}. */
    String unsettledBreakdown() {
      return new java.util.TreeMap<>(unsettledCauses).toString();
    }
  }

  /**
   * Intents that parked (waited for providers the router itself held back): how many, how often they parked, how
   * they ended, and how long they waited (milliseconds, from the first park until the last wake-up or the failure).
   */
  record Waits(int intents, int parks, int thenSucceeded, int thenFailed, int stillWaiting, long p50Millis,
      long p95Millis, long maxMillis) {

    String summary() {
      return String.format(java.util.Locale.ROOT,
          "waited=%d parks=%d thenSucceeded=%d thenFailed=%d stillWaiting=%d waitMs(p50=%d p95=%d max=%d)",
          intents, parks, thenSucceeded, thenFailed, stillWaiting, p50Millis, p95Millis, maxMillis);
    }

    static Waits of(List<RouterDatabase.ParkRow> parked, Map<String, IntentRow> intents) {
      List<Long> waited = parked.stream().map(RouterDatabase.ParkRow::waitedMillis)
          .filter(java.util.Objects::nonNull).sorted().toList();
      int succeeded = 0;
      int failed = 0;
      for (RouterDatabase.ParkRow row : parked) {
        IntentRow intent = intents.get(row.intentId());
        if (intent != null && intent.status().equals("succeeded")) {
          succeeded++;
        } else if (intent != null && intent.status().equals("failed")) {
          failed++;
        }
      }
      return new Waits(parked.size(), parked.stream().mapToInt(RouterDatabase.ParkRow::parks).sum(), succeeded,
          failed, parked.size() - succeeded - failed, percentile(waited, 0.50), percentile(waited, 0.95),
          waited.isEmpty() ? 0 : waited.getLast());
    }

    private static long percentile(List<Long> sorted, double share) {
      return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(share * sorted.size())));
    }
  }

  /** Audits one run. */
  static Report audit(Snapshot snapshot, List<LedgerCharge> charges) {
    Map<String, IntentRow> intents = new LinkedHashMap<>();
    snapshot.intents().forEach(intent -> intents.put(intent.id(), intent));
    Map<String, List<AttemptRow>> attemptsByIntent = new HashMap<>();
    Map<String, AttemptRow> attemptByKey = new HashMap<>();
    for (AttemptRow attempt : snapshot.attempts()) {
      attemptsByIntent.computeIfAbsent(attempt.intentId(), id -> new ArrayList<>()).add(attempt);
      attemptByKey.put(attempt.providerIdempotencyKey(), attempt);
    }

    Map<String, List<LedgerCharge>> approvedByIntent = new HashMap<>();
    List<String> strangers = new ArrayList<>();
    long approved = 0;
    long authorized = 0;
    long declined = 0;
    for (LedgerCharge entry : charges) {
      if (!holdsMoney(entry.charge())) {
        declined++;
        continue;
      }
      if (entry.charge().approved()) {
        approved++;
      } else {
        authorized++;
      }
      String owner = owner(entry.charge(), attemptByKey, intents);
      if (owner == null) {
        strangers.add(entry.toString());
      } else {
        approvedByIntent.computeIfAbsent(owner, id -> new ArrayList<>()).add(entry);
      }
    }

    List<String> unsettled = new ArrayList<>();
    List<String> doubleCharged = new ArrayList<>();
    List<String> succeededNotOnce = new ArrayList<>();
    List<String> failedButCharged = new ArrayList<>();
    List<String> chargedNotFinal = new ArrayList<>();
    List<String> wrongAttempt = new ArrayList<>();
    Map<String, String> details = new HashMap<>();
    Map<String, Integer> unsettledCauses = new HashMap<>();
    int succeeded = 0;
    int failed = 0;
    int requiresCapture = 0;
    int canceled = 0;
    int unresolved = 0;
    int failovers = 0;
    int reconciled = 0;
    for (IntentRow intent : intents.values()) {
      List<AttemptRow> attempts = attemptsByIntent.getOrDefault(intent.id(), List.of());
      List<LedgerCharge> taken = approvedByIntent.getOrDefault(intent.id(), List.of());
      details.put(intent.id(), describe(intent, attempts, taken));
      if (attempts.size() > 1) {
        failovers++;
      }
      if (intent.isFinal()) {
        reconciled += (int) attempts.stream()
            .filter(a -> snapshot.unknownAttempts().contains(Snapshot.attemptRef(a.intentId(), a.number())))
            .count();
      }
      if (intent.isUnresolved()) {
        unresolved++;
      }
      if (taken.size() > 1) {
        doubleCharged.add(intent.id());
      }
      boolean approvedAttempt = attempts.stream().anyMatch(a -> a.status().equals("approved"));
      switch (intent.status()) {
        case "succeeded", "requires_capture", "canceled" -> {
          switch (intent.status()) {
            case "succeeded" -> succeeded++;
            case "requires_capture" -> requiresCapture++;
            default -> canceled++;
          }
          // A cancel before any approval released nothing: such an intent holds no charge, like a failed one.
          if (intent.status().equals("canceled") && !approvedAttempt) {
            if (!taken.isEmpty()) {
              failedButCharged.add(intent.id());
            }
          } else if (taken.size() != 1) {
            succeededNotOnce.add(intent.id());
          } else {
            String chargedKey = taken.getFirst().charge().idempotencyKey();
            boolean matches = attempts.stream().anyMatch(a -> a.status().equals("approved")
                && a.providerIdempotencyKey().equals(chargedKey)
                && a.provider().equals(taken.getFirst().provider()));
            if (!matches) {
              wrongAttempt.add(intent.id());
            }
          }
        }
        case "failed" -> {
          failed++;
          if (!taken.isEmpty()) {
            failedButCharged.add(intent.id());
          }
        }
        default -> {
          if (!intent.isUnresolved()) {
            unsettled.add(intent.id());
            unsettledCauses.merge(cause(intent, attempts), 1, Integer::sum);
          }
          if (!taken.isEmpty()) {
            chargedNotFinal.add(intent.id());
          }
        }
      }
    }
    return new Report(intents.size(), snapshot.attempts().size(), failovers, snapshot.unknownAttempts().size(),
        reconciled, succeeded, failed, requiresCapture, canceled, unresolved, approved, authorized, declined,
        unsettled, doubleCharged, succeededNotOnce,
        failedButCharged, strangers, chargedNotFinal, wrongAttempt, unsettledCauses, details,
        Waits.of(snapshot.parked(), intents));
  }

  /** An approval (money taken) or an authorization (money held): what an intent may hold one of at most. */
  static boolean holdsMoney(SimulatorCharge charge) {
    return charge.approved() || charge.authorized();
  }

  /** An intent's status and its last attempt's, e.g. {@code processing/unknown(timeout)}. */
  private static String cause(IntentRow intent, List<AttemptRow> attempts) {
    if (attempts.isEmpty()) {
      return intent.status() + "/no_attempt";
    }
    AttemptRow last = attempts.stream().max(java.util.Comparator.comparingInt(AttemptRow::number)).orElseThrow();
    return intent.status() + "/" + last.status() + (last.errorCode() == null ? "" : "(" + last.errorCode() + ")");
  }

  /** The intent a charge belongs to: by its attempt's key, else by the intent id the key starts with. */
  static String owner(SimulatorCharge charge, Map<String, AttemptRow> attemptByKey,
      Map<String, IntentRow> intents) {
    for (String key : new String[] {charge.idempotencyKey(), charge.reference()}) {
      AttemptRow attempt = attemptByKey.get(key);
      if (attempt != null) {
        return attempt.intentId();
      }
    }
    for (String key : new String[] {charge.idempotencyKey(), charge.reference()}) {
      int separator = key.lastIndexOf('_');
      if (separator > 0 && intents.containsKey(key.substring(0, separator))) {
        return key.substring(0, separator);
      }
    }
    return null;
  }

  private static String describe(IntentRow intent, List<AttemptRow> attempts, List<LedgerCharge> taken) {
    String tried = attempts.stream()
        .map(a -> a.provider() + "#" + a.number() + ":" + a.status() + (a.errorCode() == null ? ""
            : "(" + a.errorCode() + ")"))
        .collect(Collectors.joining(", ", "[", "]"));
    return intent.id() + " " + intent.status()
        + (intent.failureCode() == null ? "" : "(" + intent.failureCode() + ")")
        + (intent.unresolvedReason() == null ? "" : " unresolved(" + intent.unresolvedReason() + ")")
        + " attempts=" + tried + " approvedCharges=" + taken;
  }
}
