package dev.paymentrouter.intent.runtime;

import dev.paymentrouter.intent.domain.Attempt;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.runtime.IntentStore.NewIntent;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.intent.runtime.IntentStore.Transition;
import dev.paymentrouter.tokens.TokenCipher;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * A batch of intent writes as the one jsonb document the V3/V4 functions take: {@code "intents"}, {@code "events"}
 * and {@code "attempts"}, written field by field (no per-write maps), with the payment token sealed on its way.
 * Pure encoding: the store decides the order of the writes and runs the statement.
 */
final class IntentBatchEncoder {

  private final JsonMapper json;
  private final TokenCipher tokens;
  private final StoredTokens storedTokens;
  private final OutboxEvents outbox;

  IntentBatchEncoder(JsonMapper json, TokenCipher tokens, OutboxEvents outbox) {
    this.json = json;
    this.tokens = tokens;
    this.storedTokens = new StoredTokens(json);
    this.outbox = outbox;
  }

  /** New intents, in the given order. */
  String newIntents(List<NewIntent> sorted) {
    StringWriter text = new StringWriter(512 * sorted.size());
    try (JsonGenerator out = json.createGenerator(text)) {
      out.writeStartObject();
      out.writeName("intents");
      out.writeStartArray();
      for (NewIntent w : sorted) {
        PaymentIntent intent = w.intent();
        out.writeStartObject();
        out.writeStringProperty("id", intent.id());
        out.writeStringProperty("merchant_id", intent.merchantId());
        out.writeStringProperty("idempotency_key", w.idempotencyKey());
        out.writeStringProperty("request_hash", w.requestHash());
        out.writeStringProperty("status", intent.status().wireName());
        out.writeName("amount");
        out.writeNumber(intent.amount().amountMinor());
        out.writeStringProperty("currency", intent.amount().currency());
        out.writeName("payment_method");
        out.writePOJO(paymentMethod(intent.paymentMethod()));
        // The token travels sealed, as bytea hex input; the statement never sees it in plain text.
        TokenCipher.Sealed token = tokens.seal(intent.id(), storedTokens.encode(intent.paymentMethod()));
        out.writeStringProperty("payment_token", "\\x" + HexFormat.of().formatHex(token.data()));
        out.writeStringProperty("payment_token_key", token.keyId());
        out.writeStringProperty("reference", intent.reference());
        out.writeName("metadata");
        out.writePOJO(intent.metadata());
        out.writeStringProperty("failure_code", intent.failureCode());
        out.writeName("version");
        out.writeNumber((long) w.events().size());
        out.writeStringProperty("deadline", text(intent.deadline()));
        ownership(out, w.ownership());
        out.writeStringProperty("created_at", text(intent.createdAt()));
        out.writeStringProperty("updated_at", text(intent.updatedAt()));
        out.writeStringProperty("capture_method", intent.captureMethod().wireName());
        out.writeEndObject();
      }
      out.writeEndArray();
      children(out, sorted, w -> w.intent().id(), w -> 0L, NewIntent::events,
          w -> changedAttempts(List.of(), w.intent().attempts()), w -> outbox.created(w.intent()));
      out.writeEndObject();
    }
    return text.toString();
  }

  /** Transitions of stored intents, in the given order. */
  String transitions(List<Transition> sorted) {
    StringWriter text = new StringWriter(384 * sorted.size());
    try (JsonGenerator out = json.createGenerator(text)) {
      out.writeStartObject();
      out.writeName("intents");
      out.writeStartArray();
      for (Transition w : sorted) {
        PaymentIntent after = w.after();
        out.writeStartObject();
        out.writeStringProperty("id", after.id());
        out.writeName("expected");
        out.writeNumber(w.expectedVersion());
        out.writeStringProperty("status", after.status().wireName());
        out.writeStringProperty("failure_code", after.failureCode());
        out.writeStringProperty("unresolved_reason", after.unresolvedReason());
        out.writeName("version");
        out.writeNumber(w.expectedVersion() + w.events().size());
        out.writeStringProperty("updated_at", text(after.updatedAt()));
        ownership(out, w.ownership());
        out.writeEndObject();
      }
      out.writeEndArray();
      children(out, sorted, Transition::intentId, Transition::expectedVersion, Transition::events,
          w -> changedAttempts(w.before().attempts(), w.after().attempts()),
          w -> outbox.changed(w.before(), w.after()));
      modifications(out, sorted);
      out.writeEndObject();
    }
    return text.toString();
  }

  private static void ownership(JsonGenerator out, Ownership ownership) {
    out.writeStringProperty("owner", ownership.owner());
    out.writeStringProperty("lease_until", text(ownership.leaseUntil()));
    out.writeStringProperty("next_check_at", text(ownership.nextCheckAt()));
    out.writeName("check_count");
    out.writeNumber(ownership.checkCount());
  }

  /**
   * The event and attempt rows of a batch: {@code "events": [...], "attempts": [...]}. The merchant's events a write
   * owes ({@code webhooks}, the outbox) ride on its last event's payload, from which the database moves them to
   * {@code webhook_events} in the same statement (V12): an outbox row exists exactly when its transition does.
   */
  private static <W> void children(JsonGenerator out, List<W> writes, Function<W, String> id,
      ToLongFunction<W> previousVersion, Function<W, List<IntentEvent>> events,
      Function<W, List<Attempt>> attempts, Function<W, List<OutboxEvents.OutboxEvent>> webhooks) {
    out.writeName("events");
    out.writeStartArray();
    for (W w : writes) {
      List<IntentEvent> list = events.apply(w);
      long previous = previousVersion.applyAsLong(w);
      for (int i = 0; i < list.size(); i++) {
        IntentEvent event = list.get(i);
        out.writeStartObject();
        out.writeStringProperty("intent_id", id.apply(w));
        out.writeName("sequence");
        out.writeNumber(previous + i + 1);
        out.writeStringProperty("type", EventPayloads.type(event));
        out.writeName("payload");
        Map<String, Object> payload = EventPayloads.payload(event);
        if (i == list.size() - 1) {
          List<OutboxEvents.OutboxEvent> owed = webhooks.apply(w);
          if (!owed.isEmpty()) {
            payload.put("webhooks", owed.stream().map(IntentBatchEncoder::outboxRow).toList());
          }
        }
        out.writePOJO(payload);
        out.writeStringProperty("occurred_at", text(event.at()));
        out.writeEndObject();
      }
    }
    out.writeEndArray();
    out.writeName("attempts");
    out.writeStartArray();
    for (W w : writes) {
      for (Attempt a : attempts.apply(w)) {
        out.writeStartObject();
        out.writeStringProperty("intent_id", id.apply(w));
        out.writeName("attempt_number");
        out.writeNumber(a.number());
        out.writeStringProperty("provider", a.provider());
        out.writeStringProperty("provider_idempotency_key", a.idempotencyKey());
        out.writeStringProperty("status", a.status().wireName());
        out.writeStringProperty("provider_reference", a.providerReference());
        out.writeStringProperty("decline_code", a.declineCode());
        out.writeStringProperty("error_code", a.errorCode());
        out.writeStringProperty("routing_rule", a.routingRule());
        out.writeName("routing_candidates");
        // The routing decision: the candidates as a list, as always; with providers skipped for the payment method,
        // an object that holds both (read back by IntentStore).
        out.writePOJO(a.skipped().isEmpty() ? a.candidates()
            : Map.of("candidates", a.candidates(), "skipped", a.skipped()));
        out.writeStringProperty("created_at", text(a.createdAt()));
        out.writeStringProperty("updated_at", text(a.updatedAt()));
        out.writeEndObject();
      }
    }
    out.writeEndArray();
  }

  /** The capture, cancel and refund rows a batch of transitions started or changed: {@code "modifications": [...]}. */
  private static void modifications(JsonGenerator out, List<Transition> writes) {
    out.writeName("modifications");
    out.writeStartArray();
    for (Transition w : writes) {
      for (Modification m : w.after().modifications()) {
        if (w.before().modifications().contains(m)) {
          continue;
        }
        out.writeStartObject();
        out.writeStringProperty("intent_id", w.intentId());
        out.writeStringProperty("merchant_id", w.after().merchantId());
        out.writeStringProperty("modification_id", m.id());
        out.writeStringProperty("kind", m.kind().name().toLowerCase(Locale.ROOT));
        out.writeName("amount");
        out.writeNumber(m.amountMinor());
        out.writeStringProperty("provider", m.provider());
        out.writeStringProperty("provider_idempotency_key", m.idempotencyKey());
        out.writeStringProperty("status", m.status().wireName());
        out.writeStringProperty("provider_reference", m.providerReference());
        out.writeStringProperty("failure_code", m.failureCode());
        out.writeStringProperty("reason", m.reason());
        out.writeName("metadata");
        out.writePOJO(m.metadata());
        out.writeStringProperty("created_at", text(m.createdAt()));
        out.writeStringProperty("updated_at", text(m.updatedAt()));
        out.writeEndObject();
      }
    }
    out.writeEndArray();
  }

  /** An outbox row as V12's trigger reads it. */
  private static Map<String, Object> outboxRow(OutboxEvents.OutboxEvent event) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", event.id());
    row.put("type", event.type());
    row.put("merchant_id", event.merchantId());
    row.put("intent_id", event.intentId());
    row.put("data", event.data());
    row.put("created_at", text(event.createdAt()));
    return row;
  }

  /** Timestamps travel as ISO-8601 text; PostgreSQL reads them back exactly (to the microsecond). */
  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /** Attempts that are new or differ between two states of one intent. */
  static List<Attempt> changedAttempts(List<Attempt> before, List<Attempt> after) {
    List<Attempt> changed = new ArrayList<>();
    for (Attempt attempt : after) {
      int index = attempt.number() - 1;
      if (index >= before.size() || !before.get(index).equals(attempt)) {
        changed.add(attempt);
      }
    }
    return changed;
  }

  /** The payment method as stored in plain sight: without its token (that goes sealed beside it). */
  private static Map<String, Object> paymentMethod(PaymentMethod method) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", method.type());
    map.put("country", method.country());
    return map;
  }
}
