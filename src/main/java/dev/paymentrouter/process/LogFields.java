package dev.paymentrouter.process;

import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The fields that tie a log line to an intent, put into the logging MDC for the lines logged on this thread until
 * {@link #close()}, which puts back what was there before. A process opens them around the handling of one message
 * (its mailbox hands over one at a time, so the lines of that handling are the intent's); code that runs later on
 * another thread opens them again around its own lines. The JSON log formats write MDC entries as fields.
 *
 * <p>Only ids and small numbers go here, never a token or a key.
 */
public final class LogFields implements AutoCloseable {

  /** The intent's id. */
  public static final String INTENT_ID = "intent_id";
  /** The merchant's id. */
  public static final String MERCHANT_ID = "merchant_id";
  /** The provider of the attempt (or modification) in question. */
  public static final String PROVIDER = "provider";
  /** The attempt's number, 1-based. */
  public static final String ATTEMPT = "attempt";
  /** The {@code X-Request-Id} of the request that started the work. */
  public static final String REQUEST_ID = "request_id";
  /** The trace id of that request. */
  public static final String TRACE_ID = "trace_id";

  private static final String[] KEYS = {INTENT_ID, MERCHANT_ID, PROVIDER, ATTEMPT, REQUEST_ID, TRACE_ID};

  private final String[] previous = new String[KEYS.length];

  private LogFields(String... values) {
    for (int i = 0; i < KEYS.length; i++) {
      previous[i] = MDC.get(KEYS[i]);
      if (values[i] != null) {
        MDC.put(KEYS[i], values[i]);
      }
    }
  }

  /**
   * Puts the fields that are known (non-null; {@code attempt} 0: none) into the MDC until {@link #close()}.
   *
   * @param correlation the request behind the work, or null
   */
  public static LogFields open(String intentId, String merchantId, String provider, int attempt,
      Correlation correlation) {
    Correlation known = correlation == null ? Correlation.NONE : correlation;
    return new LogFields(intentId, merchantId, provider, attempt > 0 ? Integer.toString(attempt) : null,
        known.requestId(), known.traceId());
  }

  /**
   * Adds a field to one log line, unless the MDC holds it already (the JSON formats would write it twice): for the
   * lines about an intent logged where no fields are open.
   */
  public static LoggingEventBuilder with(LoggingEventBuilder line, String key, Object value) {
    return value == null || MDC.get(key) != null ? line : line.addKeyValue(key, value);
  }

  @Override
  public void close() {
    for (int i = 0; i < KEYS.length; i++) {
      if (previous[i] == null) {
        MDC.remove(KEYS[i]);
      } else {
        MDC.put(KEYS[i], previous[i]);
      }
    }
  }
}
