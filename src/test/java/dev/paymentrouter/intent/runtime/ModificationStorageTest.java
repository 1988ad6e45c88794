package dev.paymentrouter.intent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.paymentrouter.intent.domain.CaptureMethod;
import dev.paymentrouter.intent.domain.Decision;
import dev.paymentrouter.intent.domain.IntentCommand;
import dev.paymentrouter.intent.domain.IntentEvent;
import dev.paymentrouter.intent.domain.IntentState;
import dev.paymentrouter.intent.domain.IntentStatus;
import dev.paymentrouter.intent.domain.IntentTransitions;
import dev.paymentrouter.intent.domain.Modification;
import dev.paymentrouter.intent.domain.Money;
import dev.paymentrouter.intent.domain.PaymentIntent;
import dev.paymentrouter.intent.domain.PaymentMethod;
import dev.paymentrouter.intent.domain.RouteOptions;
import dev.paymentrouter.intent.runtime.IntentStore.Ownership;
import dev.paymentrouter.merchant.domain.Merchant;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.testsupport.RouterIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A payment's life after its authorization survives the database: the capture method, and each capture and refund
 * with its status, written by the statement of the transition that changed it and read back as the intent's owner
 * (and a listing) sees it.
 */
class ModificationStorageTest extends RouterIntegrationTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00.123456Z");

  @Autowired
  IntentStore store;

  String merchantId;
  PaymentIntent intent;
  long version;

  @BeforeEach
  void merchant() {
    merchantId = "m_mods_" + UUID.randomUUID();
    merchants.ensureMerchant(new Merchant(merchantId, "modifications")).block(WAIT);
  }

  @Test
  void aManualIntentsCaptureAndRefundsAreStoredWithEveryChangeAndReadBack() {
    storedIntent();

    apply(new IntentCommand.RecordOutcome(1, new ProviderOutcome.Approved("pi_1"), new RouteOptions(List.of(), 1),
        T0.plusSeconds(1)));
    assertThat(reload().status()).isEqualTo(IntentStatus.REQUIRES_CAPTURE);

    apply(new IntentCommand.Capture("cp_1", 600, T0.plusSeconds(2)));
    apply(new IntentCommand.RecordModification("cp_1", new ModificationOutcome.Succeeded("ch_1"), T0.plusSeconds(3)));
    apply(new IntentCommand.Refund("re_1", 200, "requested_by_customer", T0.plusSeconds(4)));
    apply(new IntentCommand.RecordModification("re_1", new ModificationOutcome.Unknown("timeout"),
        T0.plusSeconds(5)));

    PaymentIntent stored = reload();
    // As the owner holds it, but for the token, which the statement that made the intent succeed erased.
    assertThat(stored).usingRecursiveComparison().ignoringFields("paymentMethod").isEqualTo(intent);
    assertThat(stored.paymentMethod().hasToken()).isFalse();
    assertThat(stored.captureMethod()).isEqualTo(CaptureMethod.MANUAL);
    assertThat(stored.status()).isEqualTo(IntentStatus.SUCCEEDED);
    assertThat(stored.amountReceived()).isEqualTo(600);
    assertThat(stored.modifications()).extracting(Modification::id, Modification::status)
        .containsExactly(tuple("cp_1", Modification.Status.SUCCEEDED), tuple("re_1", Modification.Status.UNKNOWN));
    // A refund whose outcome is unknown still counts against what may be refunded.
    assertThat(stored.amountRefundable()).isEqualTo(400);
    // A listing shows the same life.
    assertThat(store.list(new IntentReader.Query(merchantId, 10, null, null, null, null, null)).block(WAIT).data())
        .singleElement().satisfies(listed -> assertThat(listed.modifications()).isEqualTo(intent.modifications()));
  }

  @Test
  void aProviderKeyIsUsedByOneMoneyMovementOnly() {
    String id = storedIntent();
    // Literal values (ours, no user input): a statement with bound parameters that fails in the database leaves the
    // driver's parameter buffers unreleased, which the build's leak detection would rightly report.
    String row = "insert into payment_modifications (intent_id, merchant_id, modification_id, kind, amount, provider,"
        + " provider_idempotency_key, status, created_at, updated_at) values ('" + id + "', '" + merchantId
        + "', '%s', 'refund', 1, 'alpha', 'k-" + id + "', 'in_flight', now(), now())";
    db.sql(row.formatted("re_a")).fetch().rowsUpdated().block(WAIT);
    // A second row under the same key would be a second movement at the provider: the database refuses it.
    assertThatThrownBy(() -> db.sql(row.formatted("re_b")).fetch().rowsUpdated().block(WAIT))
        .hasMessageContaining("payment_modifications_provider_idempotency_key");
  }

  private String storedIntent() {
    String id = "pi_mods_" + UUID.randomUUID().toString().replace("-", "");
    List<IntentEvent> created = accepted(IntentState.NONE, new IntentCommand.Create(id, merchantId,
        new Money(1_000, "EUR"), new PaymentMethod("card", "tok_visa", "DE"), null, Map.of(),
        T0.plus(Duration.ofMinutes(15)), new RouteOptions(List.of("alpha"), 1), CaptureMethod.MANUAL, T0));
    intent = IntentTransitions.replay(created);
    store.insert(intent, created, "key-" + id, "hash", lease()).block(WAIT);
    version = created.size();
    return id;
  }

  private void apply(IntentCommand command) {
    List<IntentEvent> events = accepted(intent, command);
    PaymentIntent after = IntentTransitions.evolveAll(intent, events);
    store.append(intent, after, version, events, lease()).block(WAIT);
    intent = after;
    version += events.size();
  }

  private PaymentIntent reload() {
    return store.find(intent.id()).block(WAIT).intent();
  }

  private static List<IntentEvent> accepted(IntentState state, IntentCommand command) {
    return ((Decision.Accepted) IntentTransitions.decide(state, command)).events();
  }

  private static Ownership lease() {
    return new Ownership("node-mods", Instant.now().plusSeconds(60), null, 0);
  }
}
