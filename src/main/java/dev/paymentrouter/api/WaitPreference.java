package dev.paymentrouter.api;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code wait} preference of RFC 7240 ({@code Prefer: wait=5}), in whole seconds, capped. */
final class WaitPreference {

  private static final Pattern WAIT = Pattern.compile("(?i)(?:^|[,;\\s])wait\\s*=\\s*\"?(\\d{1,9})\"?");

  private WaitPreference() {}

  /** The requested wait, capped at {@code max}; empty when the header asks for none or is not understood. */
  static Optional<Duration> parse(String preferHeader, Duration max) {
    if (preferHeader == null) {
      return Optional.empty();
    }
    Matcher matcher = WAIT.matcher(preferHeader);
    if (!matcher.find()) {
      return Optional.empty();
    }
    Duration asked = Duration.ofSeconds(Long.parseLong(matcher.group(1)));
    return Optional.of(asked.compareTo(max) > 0 ? max : asked);
  }
}
