package dev.paymentrouter.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of {@code /actuator/prometheus}, read into samples that tests can sum over by name and labels. */
public final class PrometheusScrape {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+).*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample: a metric name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples = new ArrayList<>();

  /** Reads a scrape in the Prometheus text format. */
  public PrometheusScrape(String body) {
    for (String line : body.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.matches()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4))));
    }
  }

  /** The samples of this metric whose labels include all of {@code labels} (name, value, name, value, ...). */
  public List<Sample> samples(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    for (Sample sample : samples) {
      if (sample.name().equals(name) && matches(sample.labels(), labels)) {
        found.add(sample);
      }
    }
    return found;
  }

  /** The sum of those samples' values; 0 when there are none. */
  public double sum(String name, String... labels) {
    return samples(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  private static boolean matches(Map<String, String> actual, String[] wanted) {
    for (int i = 0; i + 1 < wanted.length; i += 2) {
      if (!wanted[i + 1].equals(actual.get(wanted[i]))) {
        return false;
      }
    }
    return true;
  }
}
