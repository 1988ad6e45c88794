package dev.paymentrouter.bench.jmh;

import dev.paymentrouter.tokens.TokenCipher;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing a payment token (once per new intent, in the insert statement's batch) and opening it (once per intent
 * read back: takeover, GET of an intent no process holds). A token of the length PSPs commonly issue.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenCipherBenchmark {

  private static final String INTENT = "pi_01M8EA1VSR4Q5WA3CSZWDD073M";
  private static final String TOKEN = "tok_1QZ3hY2eZvKYlo2C9bX8aBcD";

  private TokenCipher cipher;
  private TokenCipher.Sealed sealed;

  @Setup
  public void setUp() {
    cipher = new TokenCipher(Map.of("k1", new byte[TokenCipher.KEY_BYTES]), "k1");
    sealed = cipher.seal(INTENT, TOKEN);
  }

  @Benchmark
  public TokenCipher.Sealed seal() {
    return cipher.seal(INTENT, TOKEN);
  }

  @Benchmark
  public TokenCipher.Opened open() {
    return cipher.open(INTENT, sealed);
  }
}
