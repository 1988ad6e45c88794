package dev.paymentrouter.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * The admission decision ({@link AdmissionDoor}) in the Netty pipeline, right behind the HTTP/1.1 decoder, so that a
 * refusal costs what the decoding cost and nothing more: no WebFlux exchange, filters, observation or JSON writing
 * (profiled at three times the sustainable rate, those were most of a refusal's CPU, and refusals were most of the
 * node's work). The refusal is the same {@code 503 overloaded} problem+json with {@code Retry-After} and
 * {@code X-Request-Id} that {@link AdmissionFilter} writes; the connection stays open unless the client asked to
 * close it, and the refused request's body is read and dropped.
 *
 * <p>It decides only for a request that is alone on its connection: an answer written here ahead of a pipelined
 * request still in WebFlux would come out of order. Those, and HTTP/2 streams, are decided by the filter. A request
 * let in carries its decision on the channel ({@link #DECIDED}) to the filter, which takes it and decides nothing
 * again; a decision no filter took (the request never reached WebFlux) ends without a sample at the next request or
 * when the connection closes.
 */
final class AdmissionGate extends ChannelInboundHandlerAdapter {

  static final AttributeKey<AdmissionDoor.Admitted> DECIDED = AttributeKey.valueOf("payment-router.admitted");

  private final AdmissionDoor door;
  private final ServerBounds.PendingRequests pending;
  private boolean discarding;

  AdmissionGate(AdmissionDoor door, ServerBounds.PendingRequests pending) {
    this.door = door;
    this.pending = pending;
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object message) {
    if (discarding) {
      discarding = !(message instanceof LastHttpContent);
      ReferenceCountUtil.release(message);
      // Reactor Netty reads on demand (auto-read off): what this handler swallows, it must ask the next of.
      context.read();
      return;
    }
    // Only a POST can be a limited write: the URI of any other request is not decoded here.
    if (message instanceof HttpRequest request && HttpMethod.POST.equals(request.method())
        && request.decoderResult().isSuccess() && pending.alone()) {
      String path = new QueryStringDecoder(request.uri()).path();
      if (AdmissionDoor.limited(request.method().name(), path)) {
        AdmissionDoor.Decision decision = door.decide();
        if (decision instanceof AdmissionDoor.Admitted admitted) {
          handOver(context.channel(), admitted);
        } else {
          refuse(context, request, path);
          discarding = !(message instanceof LastHttpContent);
          ReferenceCountUtil.release(message);
          context.read();
          return;
        }
      }
    }
    context.fireChannelRead(message);
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) throws Exception {
    forget(context.channel().attr(DECIDED).getAndSet(null));
    super.channelInactive(context);
  }

  private static void handOver(Channel channel, AdmissionDoor.Admitted admitted) {
    forget(channel.attr(DECIDED).getAndSet(admitted));
  }

  private static void forget(AdmissionDoor.Admitted untaken) {
    if (untaken != null) {
      untaken.permit().ifPresent(Admission.Permit::ignored);
    }
  }

  private void refuse(ChannelHandlerContext context, HttpRequest request, String path) {
    byte[] body = door.refusalBody(path);
    FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
        HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, ProblemHandler.PROBLEM_JSON.toString())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.RETRY_AFTER, door.retryAfterSeconds())
        .set(RequestIdFilter.HEADER, RequestIdFilter.idFor(request.headers().get(RequestIdFilter.HEADER)));
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var written = context.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
