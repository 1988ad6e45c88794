package dev.paymentrouter.platform;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/** A request's body read whole, for handlers that need its exact bytes (a signature) or parse it themselves. */
public final class RequestBodies {

  private RequestBodies() {}

  /**
   * The body's bytes (empty when there is none), its buffers released as soon as they are copied; a body over
   * {@code maxBytes} fails with {@link DataBufferLimitException} before more of it is held.
   */
  public static Mono<byte[]> bytes(ServerHttpRequest request, int maxBytes) {
    return DataBufferUtils.join(request.getBody(), maxBytes)
        .map(buffer -> {
          try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
          } finally {
            DataBufferUtils.release(buffer);
          }
        })
        .defaultIfEmpty(new byte[0]);
  }
}
