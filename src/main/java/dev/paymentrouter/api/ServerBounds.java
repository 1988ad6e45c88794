package dev.paymentrouter.api;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Everything the HTTP server holds is bounded ({@link ConnectionProperties}), so that overload costs the node a
 * bounded amount of memory and is refused where it is cheapest: connections beyond {@code max} are closed by Reactor
 * Netty's acceptor before they get a pipeline (the client sees its connection closed and may try another replica);
 * a connection that pipelines more than {@code maxPendingRequests} unanswered requests is closed (Reactor Netty
 * queues pipelined requests without a bound of its own); a request must arrive within {@code requestTimeout}; and an
 * HTTP/2 connection advertises {@code maxConcurrentStreams}. The admission decision ({@link AdmissionDoor}) then
 * decides which of the requests that got this far the router takes on.
 *
 * <p>Spring Boot applies server customizers to the management server too; these bounds are far above what probes
 * and scrapes need, so they change nothing there.
 */
@Component
final class ServerBounds implements NettyServerCustomizer {

  static final String PENDING_REQUESTS = "payment-router.pendingRequests";
  static final int ACCEPTS_PER_WAKE_UP = 1024;

  static final String ADMISSION_GATE = "payment-router.admissionGate";

  private final ConnectionProperties properties;
  private final AdmissionDoor door;

  ServerBounds(ConnectionProperties properties, AdmissionDoor door) {
    this.properties = properties;
    this.door = door;
  }

  @Override
  public HttpServer apply(HttpServer server) {
    int maxPending = properties.maxPendingRequests();
    return server
        // Netty's acceptor takes 16 connections per wake-up; on a saturated node it wakes rarely, and a burst of
        // connections can then overflow the kernel's accept queue (each dropped connection costs its client a SYN
        // retransmission, 1 s or more). Up to 1,024 per wake-up.
        .option(ChannelOption.MAX_MESSAGES_PER_READ, ACCEPTS_PER_WAKE_UP)
        .maxConnections(properties.max())
        .requestTimeout(properties.requestTimeout())
        .http2Settings(settings -> settings.maxConcurrentStreams(properties.maxConcurrentStreams()))
        .doOnChannelInit((observer, channel, remote) -> {
          // Only where HTTP/1.1 is decoded: HTTP/2 bounds its streams with maxConcurrentStreams instead.
          if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
            PendingRequests pending = new PendingRequests(maxPending);
            channel.pipeline().addAfter(NettyPipeline.HttpCodec, PENDING_REQUESTS, pending);
            if (door != null) {
              channel.pipeline().addAfter(PENDING_REQUESTS, ADMISSION_GATE, new AdmissionGate(door, pending));
            }
          }
        });
  }

  /**
   * Counts one connection's requests received and not yet answered in full; closes the connection when a request
   * would exceed the bound. Pipelined requests that were never answered were never processed, so a client may send
   * them again (RFC 9112 section 9.3.2 asks clients not to pipeline non-idempotent requests anyway).
   */
  static final class PendingRequests extends ChannelDuplexHandler {

    private final int max;
    private int pending;
    private boolean closing;

    PendingRequests(int max) {
      this.max = max;
    }

    /** Whether the request just read is the only one on its connection not yet answered. */
    boolean alone() {
      return pending == 1;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
      if (closing) {
        ReferenceCountUtil.release(message);
        return;
      }
      if (message instanceof HttpRequest && ++pending > max) {
        closing = true;
        ReferenceCountUtil.release(message);
        context.close();
        return;
      }
      context.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
      // The end of an answer ends a pending request; a 100 Continue is not an answer.
      boolean interim = message instanceof HttpResponse response
          && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
      boolean answered = message instanceof LastHttpContent && !interim;
      if (answered && pending > 0) {
        pending--;
      }
      context.write(message, promise);
      if (answered && pending == 0 && !closing) {
        // Reactor Netty reads on demand. After answering a request it had queued (one that arrived while the request
        // before it was still finishing), it does not always ask for more (reactor/reactor-netty#4361), and the
        // client's next request waits unread until the client gives up. With every request answered, asking for
        // more is always right.
        context.read();
      }
    }
  }
}
