package dev.paymentrouter.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The repository's docker-compose.yml, parsed. */
record ComposeFile(Map<String, Object> root) {

  static final Path PATH = Path.of("docker-compose.yml");

  static ComposeFile read() {
    return new ComposeFile(Yaml.load(PATH));
  }

  Map<String, Object> services() {
    return Yaml.map(root.get("services"));
  }

  Map<String, Object> service(String name) {
    Object service = services().get(name);
    if (service == null) {
      throw new AssertionError("docker-compose.yml has no service " + name);
    }
    return Yaml.map(service);
  }

  /** A service's environment as strings, from either the mapping or the list ({@code KEY=value}) form. */
  Map<String, String> environment(String name) {
    Object environment = service(name).get("environment");
    Map<String, String> variables = new LinkedHashMap<>();
    if (environment instanceof Map<?, ?> map) {
      map.forEach((key, value) -> variables.put(String.valueOf(key), value == null ? "" : String.valueOf(value)));
    } else if (environment instanceof List<?> list) {
      for (Object entry : list) {
        String[] split = String.valueOf(entry).split("=", 2);
        variables.put(split[0], split.length > 1 ? split[1] : "");
      }
    }
    return variables;
  }

  /** The command of a service's health check, in exec form. */
  List<String> healthCheckCommand(String name) {
    Object test = Yaml.at(service(name), "healthcheck", "test");
    List<Object> parts = Yaml.list(test);
    if (!"CMD".equals(parts.getFirst())) {
      throw new AssertionError(name + ": health check is not in CMD form: " + parts);
    }
    return parts.subList(1, parts.size()).stream().map(String::valueOf).toList();
  }

  /** Each published port as written ({@code "127.0.0.1:9101:9101"}). */
  List<String> publishedPorts(String name) {
    Object ports = service(name).get("ports");
    return ports == null ? List.of() : Yaml.list(ports).stream().map(String::valueOf).toList();
  }

  /** The container side of each published port ({@code "127.0.0.1:9101:9101"} gives 9101). */
  List<Integer> publishedContainerPorts(String name) {
    Object ports = service(name).get("ports");
    if (ports == null) {
      return List.of();
    }
    return Yaml.list(ports).stream().map(port -> {
      String text = String.valueOf(port);
      return Integer.parseInt(text.substring(text.lastIndexOf(':') + 1).replaceAll("/.*", ""));
    }).toList();
  }
}
