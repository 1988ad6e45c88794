package dev.paymentrouter.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;

/**
 * Every log event of the JVM, written as Spring Boot's structured logging writes it ({@code ecs}), while open; with
 * the given loggers at DEBUG meanwhile. Spring Boot sets up logging once per JVM (the first test context decides the
 * console's format), so a test that checks what the JSON lines hold reads them here rather than from the console.
 */
public final class JsonLogCapture implements AutoCloseable {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
  private final Map<Logger, Level> levels = new LinkedHashMap<>();

  /** Starts capturing, with these loggers at DEBUG. */
  public JsonLogCapture(String... debugLoggers) {
    StructuredLogEncoder encoder = new StructuredLogEncoder();
    encoder.setContext(context);
    encoder.setFormat("ecs");
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();
    appender.setContext(context);
    appender.setName("json-log-capture");
    appender.setEncoder(encoder);
    appender.setOutputStream(buffer);
    appender.setImmediateFlush(true);
    appender.start();
    for (String name : debugLoggers) {
      Logger logger = context.getLogger(name);
      levels.put(logger, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  /** The lines written so far. */
  public List<String> lines() {
    synchronized (buffer) {
      return buffer.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
    }
  }

  /** Everything written so far, as one text. */
  public String text() {
    return String.join("\n", lines());
  }

  @Override
  public void close() {
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
    levels.forEach(Logger::setLevel);
  }
}
