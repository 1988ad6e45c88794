package dev.paymentrouter.testsupport;

import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ModificationRequest;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** A connector whose answers a test scripts; it records every request it was given. */
public final class ScriptedConnector implements ProviderConnector {

  private final Function<ProviderRequest, Mono<ProviderOutcome>> script;
  private final Function<ModificationRequest, Mono<ModificationOutcome>> modificationScript;
  private final List<ProviderRequest> requests = new CopyOnWriteArrayList<>();
  private final List<ModificationRequest> modifications = new CopyOnWriteArrayList<>();
  private final List<ModificationRequest> modificationStatusQueries = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Charges answered by {@code script}; every capture, cancel or refund succeeds. */
  public ScriptedConnector(Function<ProviderRequest, Mono<ProviderOutcome>> script) {
    this(script, modification -> Mono.just(new ModificationOutcome.Succeeded("mod_" + modification.idempotencyKey())));
  }

  /**
   * Charges answered by {@code script}, captures, cancels and refunds by {@code modificationScript}; a status query
   * about a modification replays it to the same script (as a replay under the same key would).
   */
  public ScriptedConnector(
      Function<ProviderRequest, Mono<ProviderOutcome>> script,
      Function<ModificationRequest, Mono<ModificationOutcome>> modificationScript) {
    this.script = script;
    this.modificationScript = modificationScript;
  }

  /** Approves everything at once. */
  public static ScriptedConnector approving() {
    return new ScriptedConnector(request -> Mono.just(new ProviderOutcome.Approved("ch_" + request.idempotencyKey())));
  }

  @Override
  public Mono<ProviderOutcome> authorize(ProviderRequest request) {
    requests.add(request);
    return script.apply(request);
  }

  @Override
  public Mono<ChargeStatus> status(StatusQuery query) {
    return Mono.just(new ChargeStatus.NotFound());
  }

  @Override
  public Mono<ModificationOutcome> modify(ModificationRequest request) {
    modifications.add(request);
    return modificationScript.apply(request);
  }

  @Override
  public Mono<ModificationOutcome> modificationStatus(ModificationRequest request, Instant sentAt) {
    modificationStatusQueries.add(request);
    return modificationScript.apply(request);
  }

  @Override
  public void close() {
    closed.set(true);
  }

  /** Requests received so far. */
  public List<ProviderRequest> requests() {
    return requests;
  }

  /** Captures, cancels and refunds received so far. */
  public List<ModificationRequest> modifications() {
    return modifications;
  }

  /** Status queries about modifications received so far. */
  public List<ModificationRequest> modificationStatusQueries() {
    return modificationStatusQueries;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** A capture for tests, of the payment {@link #request} made with the same {@code n}. */
  public static ModificationRequest capture(String provider, int n) {
    return modification(ModificationRequest.Kind.CAPTURE, provider, n, null);
  }

  /** A modification for tests; {@code reason} lets a script pick its answer. */
  public static ModificationRequest modification(ModificationRequest.Kind kind, String provider, int n, String reason) {
    return new ModificationRequest(kind, "pi_T" + n, provider, "pi_T" + n + "_" + kind.name() + "_1",
        "ch_pi_T" + n + "_1", "pi_T" + n + "_1", 1000, "EUR", reason);
  }

  /** A request for tests. */
  public static ProviderRequest request(String provider, int n) {
    return new ProviderRequest("pi_T" + n, 1, provider, "pi_T" + n + "_1", 1000, "EUR", "tok_visa");
  }
}
