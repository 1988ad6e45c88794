package dev.paymentrouter.provider.connector;

import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
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
 *
 * <p>Over HTTP/2 the same rule holds per stream. A stream reset or a GOAWAY after the request was sent reaches the
 * connector as a premature close (unknown, like a reset connection). An HTTP/2 error the connector sees itself is
 * unknown too, but for {@code REFUSED_STREAM}: RFC 9113 section 8.7 defines it as closing the stream before any
 * processing happened, so the provider cannot have charged and the request may be sent again.
 */
public final class TransportErrors {

  private TransportErrors() {}

  /** What the network or the provider's answer did, as opposed to a bug in this connector. */
  public static boolean isTransportError(Throwable error) {
    return findCause(error, IOException.class) != null || findCause(error, ChannelException.class) != null
        || findCause(error, TimeoutException.class) != null || findCause(error, JacksonException.class) != null
        || findCause(error, PoolAcquireTimeoutException.class) != null
        || findCause(error, PoolAcquirePendingLimitException.class) != null
        || findCause(error, Http2Exception.class) != null || findCause(error, Http2FrameStreamException.class) != null;
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
        || findCause(error, PoolAcquirePendingLimitException.class) != null
        || http2Error(error) == Http2Error.REFUSED_STREAM;
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
    Http2Error http2 = http2Error(error);
    if (http2 != null) {
      return http2 == Http2Error.REFUSED_STREAM ? "stream_refused" : "http2_" + http2.name().toLowerCase(Locale.ROOT);
    }
    return "transport_error";
  }

  /** The HTTP/2 error code of an HTTP/2 failure in the chain, or null when there is none. */
  private static Http2Error http2Error(Throwable error) {
    Http2Exception exception = findCause(error, Http2Exception.class);
    if (exception != null) {
      return exception.error();
    }
    Http2FrameStreamException streamException = findCause(error, Http2FrameStreamException.class);
    return streamException == null ? null : streamException.error();
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
