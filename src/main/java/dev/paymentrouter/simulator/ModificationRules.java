package dev.paymentrouter.simulator;

import dev.paymentrouter.simulator.SimulatorModification.Kind;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The money rules of a modification, as a pure function of the charge and what was already done to it: a provider
 * that broke one of them would let an auditor find captured above authorized or refunded above captured.
 */
final class ModificationRules {

  /** Why the provider refuses a modification; each dialect names it in its own words. Nothing moves. */
  enum Refusal {
    /** No charge has this id. */
    CHARGE_NOT_FOUND,
    /** Capture of a charge that is not an authorization (captured at once, declined, waiting). */
    NOT_CAPTURABLE,
    /** Cancel of a charge that is not an authorization: money taken at once can only be refunded. */
    NOT_CANCELLABLE,
    /** Refund of a charge that holds no captured money (an authorization not captured, a decline, a void). */
    NOT_REFUNDABLE,
    /** A second capture: the first one released what it did not take. */
    ALREADY_CAPTURED,
    /** Capture or cancel of an authorization already released. */
    ALREADY_CANCELLED,
    /** Refund of a charge whose captured amount is all refunded. */
    ALREADY_REFUNDED,
    /** Capture above the authorization, or refund above what is left of the captured amount. */
    AMOUNT_TOO_LARGE;

    /** The lower-case name, as the native dialect and the ledger show it. */
    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private ModificationRules() {}

  /** The refusal of {@code kind} for {@code amount} on this charge, or empty when it may go ahead. */
  static Optional<Refusal> refusal(SimulatorCharge charge, List<SimulatorModification> done, Kind kind, long amount) {
    if (charge == null) {
      return Optional.of(Refusal.CHARGE_NOT_FOUND);
    }
    boolean captured = has(done, Kind.CAPTURE);
    boolean cancelled = has(done, Kind.CANCEL);
    SimulatorLedger.Totals totals = totals(charge, done);
    return Optional.ofNullable(switch (kind) {
      // Only a hold can be captured, once: the first capture takes its amount and lets the rest go.
      case CAPTURE -> !charge.authorized() ? Refusal.NOT_CAPTURABLE
          : cancelled ? Refusal.ALREADY_CANCELLED
          : captured ? Refusal.ALREADY_CAPTURED
          : amount > charge.amount() ? Refusal.AMOUNT_TOO_LARGE
          : null;
      // A void releases a hold; money already taken would need a refund.
      case CANCEL -> !charge.authorized() ? Refusal.NOT_CANCELLABLE
          : cancelled ? Refusal.ALREADY_CANCELLED
          : captured ? Refusal.ALREADY_CAPTURED
          : null;
      // Refunds add up to at most what was captured, however many there are.
      case REFUND -> totals.captured() == 0 ? Refusal.NOT_REFUNDABLE
          : totals.refunded() >= totals.captured() ? Refusal.ALREADY_REFUNDED
          : totals.refunded() + amount > totals.captured() ? Refusal.AMOUNT_TOO_LARGE
          : null;
    });
  }

  /**
   * The amount a cancel releases (the whole authorization), a capture takes (the whole authorization unless asked
   * for less) or a refund gives back (what is left unless asked for less).
   */
  static long amountOf(SimulatorCharge charge, List<SimulatorModification> done, Kind kind, Long requested) {
    return switch (kind) {
      case CANCEL -> charge.amount();
      case CAPTURE -> requested == null ? charge.amount() : requested;
      case REFUND -> {
        SimulatorLedger.Totals totals = totals(charge, done);
        yield requested == null ? Math.max(0, totals.captured() - totals.refunded()) : requested;
      }
    };
  }

  /** What the charge's money came to after the succeeded modifications in {@code done}. */
  static SimulatorLedger.Totals totals(SimulatorCharge charge, List<SimulatorModification> done) {
    long captured = charge.approved() ? charge.amount() : 0;
    long voided = 0;
    long refunded = 0;
    for (SimulatorModification modification : done) {
      if (!modification.succeeded()) {
        continue;
      }
      switch (modification.kind()) {
        case CAPTURE -> {
          captured += modification.amount();
          voided += charge.amount() - modification.amount();
        }
        case CANCEL -> voided += modification.amount();
        case REFUND -> refunded += modification.amount();
      }
    }
    return new SimulatorLedger.Totals(captured, voided, refunded);
  }

  private static boolean has(List<SimulatorModification> done, Kind kind) {
    return done.stream().anyMatch(modification -> modification.succeeded() && modification.kind() == kind);
  }
}
