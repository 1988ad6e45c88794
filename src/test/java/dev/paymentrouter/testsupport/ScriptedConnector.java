package dev.paymentrouter.testsupport;

import dev.paymentrouter.provider.connector.ProviderConnector;
import dev.paymentrouter.provider.domain.ChargeStatus;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import dev.paymentrouter.provider.domain.ProviderRequest;
import dev.paymentrouter.provider.domain.StatusQuery;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** A connector whose answers a test scripts; it records every request it was given. */
public final class ScriptedConnector implements ProviderConnector {

  private final Function<ProviderRequest, Mono<ProviderOutcome>> script;
  private final List<ProviderRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  public ScriptedConnector(Function<ProviderRequest, Mono<ProviderOutcome>> script) {
    this.script = script;
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
  public void close() {
    closed.set(true);
  }

  /** Requests received so far. */
  public List<ProviderRequest> requests() {
    return requests;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** A request for tests. */
  public static ProviderRequest request(String provider, int n) {
    return new ProviderRequest("pi_T" + n, 1, provider, "pi_T" + n + "_1", 1000, "EUR", "tok_visa");
  }
}
