package dev.paymentrouter.provider.connector;

import java.time.Duration;
import java.util.Optional;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * One provider's own connection pool and, when its settings ask for them, its own event loops: a sick provider's
 * calls, time-outs and resets then run on threads no other provider's calls use. Closing it releases both.
 */
public final class ProviderChannels implements AutoCloseable {

  private static final Duration LOOPS_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  private final ConnectionProvider connections;
  private final LoopResources loops;

  private ProviderChannels(ConnectionProvider connections, LoopResources loops) {
    this.connections = connections;
    this.loops = loops;
  }

  /** Opens nothing yet: connections are made, and loop threads started, on first use. */
  public static ProviderChannels of(ConnectorSettings settings) {
    // Daemon threads: a provider's loops must never keep the JVM alive after the context is gone.
    LoopResources loops = settings.eventLoops() == 0 ? null
        : LoopResources.create("provider-" + settings.provider(), settings.eventLoops(), true);
    return new ProviderChannels(ProviderHttp.connections(settings), loops);
  }

  public ConnectionProvider connections() {
    return connections;
  }

  /** The provider's own event loops; empty when it shares Reactor Netty's. */
  public Optional<LoopResources> loops() {
    return Optional.ofNullable(loops);
  }

  /** Closes the pool, then the loops its connections ran on; without blocking: a supervisor may call it on a loop. */
  @Override
  public void close() {
    if (loops == null) {
      connections.dispose();
      return;
    }
    // No quiet period: nothing else is scheduled on these loops once their connections are closed.
    connections.disposeLater()
        .onErrorComplete()
        .then(loops.disposeLater(Duration.ZERO, LOOPS_SHUTDOWN_TIMEOUT))
        .subscribe();
  }
}
