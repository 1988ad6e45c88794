package dev.paymentrouter.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reading Kubernetes manifests and compose files as plain maps and lists (SnakeYAML, safe types only). */
final class Yaml {

  private Yaml() {}

  static Map<String, Object> load(Path file) {
    try {
      return map(parser().load(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Object> loadAll(String text) {
    List<Object> documents = new ArrayList<>();
    parser().loadAll(text).forEach(documents::add);
    return documents;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    if (!(value instanceof Map<?, ?>)) {
      throw new AssertionError("expected a mapping, got " + value);
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    if (!(value instanceof List<?>)) {
      throw new AssertionError("expected a list, got " + value);
    }
    return (List<Object>) value;
  }

  /** The value at a path of keys, or null where the path ends early. */
  static Object at(Map<String, Object> root, String... path) {
    Object current = root;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  private static org.yaml.snakeyaml.Yaml parser() {
    return new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()));
  }
}
