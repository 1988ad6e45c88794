package dev.paymentrouter.api;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers with a problem+json body where no controller is involved (web filters), in the same format as the
 * API's own refusals ({@link ProblemHandler}), so that a client parses every error of the router one way.
 */
public final class ProblemWriter {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ProblemWriter() {}

  /**
   * Ends the exchange with this problem; a 401 also carries {@code WWW-Authenticate: Bearer}. On another door of the
   * API, that door's own writer words it ({@link MerchantApiDoor#refusalsWrittenBy}).
   */
  public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String code, String title,
      String detail) {
    MerchantApiDoor.RefusalWriter door = exchange.getAttribute(MerchantApiDoor.REFUSALS);
    if (door != null) {
      return door.write(exchange, status, code, detail);
    }
    byte[] problem = body(ApiProblem.of(status, code, title, detail), exchange.getRequest().getPath().value());
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(ProblemHandler.PROBLEM_JSON);
    if (status == HttpStatus.UNAUTHORIZED) {
      response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    DataBuffer body = response.bufferFactory().wrap(problem);
    return response.writeWith(Mono.just(body));
  }

  /** The problem+json body of this problem about the request at {@code instance}. */
  static byte[] body(ApiProblem problem, String instance) {
    return JSON.writeValueAsBytes(Problem.of(problem, instance));
  }
}
