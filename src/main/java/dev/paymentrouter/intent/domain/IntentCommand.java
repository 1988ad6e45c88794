package dev.paymentrouter.intent.domain;

import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What an intent's owner is asked to do. Each command is complete: ids, numbers and time come in as data. */
public sealed interface IntentCommand {

  /** When the command is decided. */
  Instant at();

  /** Create the intent and start its first attempt with the first candidate. */
  record Create(
      String intentId,
      String merchantId,
      Money amount,
      PaymentMethod paymentMethod,
      String reference,
      Map<String, String> metadata,
      Instant deadline,
      RouteOptions route,
      CaptureMethod captureMethod,
      Instant at,
      String description)
      implements IntentCommand {

    /** A create without a description. */
    public Create(String intentId, String merchantId, Money amount, PaymentMethod paymentMethod, String reference,
        Map<String, String> metadata, Instant deadline, RouteOptions route, CaptureMethod captureMethod, Instant at) {
      this(intentId, merchantId, amount, paymentMethod, reference, metadata, deadline, route, captureMethod, at, null);
    }

    /** A create captured at once. */
    public Create(String intentId, String merchantId, Money amount, PaymentMethod paymentMethod, String reference,
        Map<String, String> metadata, Instant deadline, RouteOptions route, Instant at) {
      this(intentId, merchantId, amount, paymentMethod, reference, metadata, deadline, route,
          CaptureMethod.AUTOMATIC, at);
    }

    public Create {
      captureMethod = captureMethod == null ? CaptureMethod.AUTOMATIC : captureMethod;
      Objects.requireNonNull(intentId, "intentId");
      Objects.requireNonNull(merchantId, "merchantId");
      Objects.requireNonNull(amount, "amount");
      Objects.requireNonNull(paymentMethod, "paymentMethod");
      Objects.requireNonNull(deadline, "deadline");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(at, "at");
      metadata = Map.copyOf(metadata);
    }
  }

  /** Record what a provider answered for the attempt in flight, and move on using {@code route}. */
  record RecordOutcome(int attemptNumber, ProviderOutcome outcome, RouteOptions route, Instant at)
      implements IntentCommand {
    public RecordOutcome {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * Record what a status query said about an unknown attempt. "Not found" proves nothing while the provider may
   * still be processing the request, so it only counts once {@code settleTime} has passed since the attempt started.
   */
  record Reconcile(int attemptNumber, ChargeStatus status, Duration settleTime, RouteOptions route, Instant at)
      implements IntentCommand {
    public Reconcile {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(settleTime, "settleTime");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(at, "at");
    }
  }

  /** Stop reconciling on our own: the intent waits for an operator. */
  record GiveUp(String reason, Instant at) implements IntentCommand {
    public GiveUp {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(at, "at");
    }
  }

  /** An operator asks for an unresolved intent to be reconciled again; their name goes on the intent's trail. */
  record Redrive(String operator, Instant at) implements IntentCommand {
    public Redrive {
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * A parked intent's wake-up (or its recovery after its owner died): start the next attempt with a provider that
   * can take it now, wait longer, or fail once waiting is no longer allowed. {@code route} is fresh.
   */
  record Retry(RouteOptions route, Instant at) implements IntentCommand {
    public Retry {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * Capture an authorized intent: {@code amountMinor} of it (0: all of it; less releases the rest), as the
   * modification {@code modificationId}, at the provider that authorized it.
   */
  record Capture(String modificationId, long amountMinor, Instant at) implements IntentCommand {
    public Capture {
      Objects.requireNonNull(modificationId, "modificationId");
      Objects.requireNonNull(at, "at");
    }
  }

  /** Cancel the intent: at once while nothing may have been charged; an authorization is released first. */
  record Cancel(String modificationId, String reason, Instant at) implements IntentCommand {
    public Cancel {
      Objects.requireNonNull(modificationId, "modificationId");
      Objects.requireNonNull(at, "at");
    }
  }

  /** Refund {@code amountMinor} of a paid intent (0: all that is left), as the modification {@code modificationId}. */
  record Refund(String modificationId, long amountMinor, String reason, Map<String, String> metadata, Instant at)
      implements IntentCommand {
    public Refund {
      Objects.requireNonNull(modificationId, "modificationId");
      Objects.requireNonNull(at, "at");
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A refund without the merchant's metadata. */
    public Refund(String modificationId, long amountMinor, String reason, Instant at) {
      this(modificationId, amountMinor, reason, Map.of(), at);
    }
  }

  /**
   * Change the merchant's details of the intent, relative to what they are when the owner decides (so that two
   * changes one after the other both count): {@code clearMetadata} empties the metadata first, then
   * {@code removedKeys} go and {@code metadata} is put; {@code description} replaces the description when not null,
   * {@code clearDescription} removes it.
   */
  record Annotate(Map<String, String> metadata, Set<String> removedKeys, boolean clearMetadata, String description,
      boolean clearDescription, Instant at) implements IntentCommand {
    public Annotate {
      metadata = Map.copyOf(metadata);
      removedKeys = Set.copyOf(removedKeys);
      Objects.requireNonNull(at, "at");
    }
  }

  /** Record what the provider answered for a modification in flight. */
  record RecordModification(String modificationId, ModificationOutcome outcome, Instant at)
      implements IntentCommand {
    public RecordModification {
      Objects.requireNonNull(modificationId, "modificationId");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(at, "at");
    }
  }

  /** Record what a status query said about a modification whose outcome was unknown or pending. */
  record ReconcileModification(String modificationId, ModificationOutcome status, Instant at)
      implements IntentCommand {
    public ReconcileModification {
      Objects.requireNonNull(modificationId, "modificationId");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * Record what the provider said, unasked, became of the authorization it holds: it was captured ({@code end}
   * CAPTURE, {@code amountMinor} taken) or released ({@code end} CANCEL, {@code amountMinor} taken before, normally
   * 0). It names the intent's open capture or cancel only when the provider carried our key ({@code modificationId},
   * else null), so the intent's own open one is what it speaks about; it ends that one only where it proves how.
   */
  record ReconcileAuthorization(ModificationRequest.Kind end, long amountMinor, String modificationId,
      String providerReference, Instant at) implements IntentCommand {
    public ReconcileAuthorization {
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(providerReference, "providerReference");
      Objects.requireNonNull(at, "at");
      if (end == ModificationRequest.Kind.REFUND) {
        throw new IllegalArgumentException("an authorization ends captured or canceled, not refunded");
      }
      if (amountMinor < 0) {
        throw new IllegalArgumentException("amountMinor must be >= 0");
      }
    }
  }
}
