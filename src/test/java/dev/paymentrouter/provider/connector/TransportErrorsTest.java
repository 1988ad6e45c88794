package dev.paymentrouter.provider.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.provider.domain.ModificationOutcome;
import dev.paymentrouter.provider.domain.ProviderOutcome;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.PrematureCloseException;

/** HTTP/2 failures under the money rule: only a stream the provider refused before processing it is not sent. */
class TransportErrorsTest {

  @Test
  void aStreamTheProviderRefusedBeforeProcessingIsNotSent() {
    Http2Exception refused = Http2Exception.streamError(3, Http2Error.REFUSED_STREAM, "refused");

    assertThat(TransportErrors.isTransportError(refused)).isTrue();
    assertThat(TransportErrors.outcome(refused)).isEqualTo(new ProviderOutcome.NotSent("stream_refused"));
    assertThat(TransportErrors.modificationOutcome(new RuntimeException(refused)))
        .isEqualTo(new ModificationOutcome.NotSent("stream_refused"));
  }

  @Test
  void aStreamResetForAnyOtherReasonIsUnknown() {
    // CANCEL or INTERNAL_ERROR may come after the provider acted on the request.
    Http2Exception cancelled = Http2Exception.streamError(3, Http2Error.CANCEL, "cancelled");
    Http2Exception internal = Http2Exception.streamError(5, Http2Error.INTERNAL_ERROR, "internal");

    assertThat(TransportErrors.outcome(cancelled)).isEqualTo(new ProviderOutcome.Unknown("http2_cancel"));
    assertThat(TransportErrors.outcome(internal)).isEqualTo(new ProviderOutcome.Unknown("http2_internal_error"));
  }

  @Test
  void aConnectionErrorOrGoAwayAfterTheRequestWasSentIsUnknown() {
    Http2Exception protocolError = Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "bad frame");
    // A stream closed by GOAWAY or a reset reaches the connector as a premature close.
    PrematureCloseException closed = PrematureCloseException.TEST_EXCEPTION;

    assertThat(TransportErrors.outcome(protocolError)).isEqualTo(new ProviderOutcome.Unknown("http2_protocol_error"));
    assertThat(TransportErrors.outcome(closed)).isEqualTo(new ProviderOutcome.Unknown("connection_closed"));
    assertThat(TransportErrors.outcome(new IOException(closed)))
        .isEqualTo(new ProviderOutcome.Unknown("connection_closed"));
  }
}
