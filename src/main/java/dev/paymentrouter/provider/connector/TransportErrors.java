package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;
import tools.jackson.core.JacksonException;

/**
 * What a failed HTTP exchange with a provider means for money, the same for every connector: only a failure before
 * the request left this node (refused connection, connect timeout, unknown host, no pooled connection) proves the
 * provider never saw it; every later failure (read timeout, reset, premature close, unreadable body) may hide a
 * charge and is unknown.
 */
public final class TransportErrors {

  private TransportErrors() {}

  /** What the network or the provider's answer did, as opposed to a bug in this connector. */
  public static boolean isTransportError(Throwable error) {
    return findCause(error, IOException.class) != null || findCause(error, ChannelException.class) != null
        || findCause(error, TimeoutException.class) != null || findCause(error, JacksonException.class) != null
        || findCause(error, PoolAcquireTimeoutException.class) != null
        || findCause(error, PoolAcquirePendingLimitException.class) != null;
  }

  /** A transport failure: before the request left us it is not sent, after that the outcome is unknown. */
  public static ProviderOutcome outcome(Throwable error) {
    String reason = reason(error);
    return neverSent(error) ? new ProviderOutcome.NotSent(reason) : new ProviderOutcome.Unknown(reason);
  }

  /** The same rule for a capture, cancel or refund: not sent only before the request left this node. */
  public static ModificationOutcome modificationOutcome(Throwable error) {
    String reason = reason(error);
    return neverSent(error) ? new ModificationOutcome.NotSent(reason) : new ModificationOutcome.Unknown(reason);
  }

  private static boolean neverSent(Throwable error) {
    return findCause(error, ConnectException.class) != null
        || findCause(error, ConnectTimeoutException.class) != null
        || findCause(error, UnknownHostException.class) != null
        || findCause(error, NoRouteToHostException.class) != null
        || findCause(error, PoolAcquireTimeoutException.class) != null
        || findCause(error, PoolAcquirePendingLimitException.class) != null;
  }

  public static String reason(Throwable error) {
    if (findCause(error, ConnectException.class) != null || findCause(error, NoRouteToHostException.class) != null) {
      return "connection_refused";
    }
    if (findCause(error, ConnectTimeoutException.class) != null) {
      return "connect_timeout";
    }
    if (findCause(error, UnknownHostException.class) != null) {
      return "unknown_host";
    }
    if (findCause(error, PoolAcquireTimeoutException.class) != null
        || findCause(error, PoolAcquirePendingLimitException.class) != null) {
      return "connection_pool_exhausted";
    }
    if (findCause(error, ReadTimeoutException.class) != null || findCause(error, TimeoutException.class) != null) {
      return "timeout";
    }
    if (findCause(error, PrematureCloseException.class) != null) {
      return "connection_closed";
    }
    if (findCause(error, JacksonException.class) != null) {
      return "malformed_response";
    }
    return "transport_error";
  }

  private static <T extends Throwable> T findCause(Throwable error, Class<T> type) {
    for (Throwable current = error; current != null; current = current.getCause()) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      if (current.getCause() == current) {
        break;
      }
    }
    return null;
  }
}
