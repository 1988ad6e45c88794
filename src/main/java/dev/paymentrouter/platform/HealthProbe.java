package dev.paymentrouter.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A container health check without curl: {@code java -cp /app/BOOT-INF/classes
 * dev.paymentrouter.platform.HealthProbe http://127.0.0.1:8081/actuator/health/readiness} exits 0 when the URL
 * answers 2xx within the timeout, 1 otherwise. The runtime image holds only a JRE, so the probe uses nothing but
 * the JDK and runs from the application's classes without the Spring Boot launcher.
 */
public final class HealthProbe {

  /** How long a check may take unless a second argument gives it in milliseconds. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  private HealthProbe() {}

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: HealthProbe <url> [timeout-ms]");
      System.exit(2);
      return;
    }
    Duration timeout = args.length == 2 ? Duration.ofMillis(Long.parseLong(args[1])) : DEFAULT_TIMEOUT;
    Result result = check(URI.create(args[0]), timeout);
    System.out.println(result.message());
    System.exit(result.healthy() ? 0 : 1);
  }

  /** Asks the URL once; never throws. */
  public static Result check(URI url, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      boolean healthy = response.statusCode() >= 200 && response.statusCode() < 300;
      return new Result(healthy, response.statusCode() + " " + response.body());
    } catch (IOException e) {
      return new Result(false, url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, url + ": interrupted");
    } finally {
      client.close();
    }
  }

  /** The outcome of one check and what to print. */
  public record Result(boolean healthy, String message) {}
}
