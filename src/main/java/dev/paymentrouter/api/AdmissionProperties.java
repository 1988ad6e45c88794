package dev.paymentrouter.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The adaptive admission limit under {@code payment-router.api.admission} (see {@link Admission}).
 *
 * @param enabled      whether writes on the merchant API pass the limit at all
 * @param algorithm    how the limit adapts: {@code gradient2}, {@code vegas}, or {@code fixed} at {@code initialLimit}
 * @param initialLimit writes in the router's hands at once before the limit has learned anything
 * @param minLimit     the limit never goes below this, however slow the samples get ({@code gradient2}; Vegas has
 *                     no floor of its own in concurrency-limits 0.5)
 * @param maxLimit     the limit never goes above this, however fast they get
 * @param holdUntil    when a create gives its permit back: {@code stored} (as soon as its intent is stored, the
 *                     default: a slow provider cannot take the permits) or {@code answer} (when its answer is
 *                     sent, after any {@code Prefer: wait})
 * @param holdMax      the longest one write holds its permit: one still unanswered then gives it back without a
 *                     sample, so that writes waiting on a slow provider hold at most its rate times this many permits
 *                     (with {@code hold-until: answer}; a stored create's permit ends sooner anyway)
 */
@ConfigurationProperties("payment-router.api.admission")
public record AdmissionProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("gradient2") Algorithm algorithm,
    @DefaultValue("200") int initialLimit,
    @DefaultValue("100") int minLimit,
    @DefaultValue("1000") int maxLimit,
    @DefaultValue("stored") HoldUntil holdUntil,
    @DefaultValue("1s") Duration holdMax) {

  /** How much of a create the limit covers (see {@link Admission}). */
  public enum HoldUntil {
    ANSWER, STORED
  }

  /** The limit algorithms of Netflix's concurrency-limits that fit a server's admission. */
  public enum Algorithm {
    GRADIENT2, VEGAS, FIXED
  }

  /** Every mistake at once, each with its property path, as {@code RoutingProperties} does. */
  public AdmissionProperties {
    List<String> problems = new ArrayList<>();
    String prefix = "payment-router.api.admission.";
    if (minLimit < 1) {
      problems.add(prefix + "min-limit must be at least 1, was " + minLimit);
    }
    if (maxLimit < minLimit) {
      problems.add(prefix + "max-limit (" + maxLimit + ") must not be below min-limit (" + minLimit + ")");
    }
    if (initialLimit < minLimit || initialLimit > maxLimit) {
      problems.add(prefix + "initial-limit (" + initialLimit + ") must lie within min-limit and max-limit");
    }
    if (holdMax.isNegative() || holdMax.isZero()) {
      problems.add(prefix + "hold-max must be positive, was " + holdMax);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }
}
