package dev.paymentrouter.deploy;

import dev.paymentrouter.PaymentRouterApplication;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which settings the application reads, to check a deployment's environment variables and configuration files
 * against: the keys its own {@code @ConfigurationProperties} records bind (found by binding the deployment's
 * sources into the real records, with Spring's relaxed rules) and the properties Spring Boot documents in its
 * configuration metadata ({@code spring.r2dbc.url}, {@code spring.config.additional-location}, ...).
 */
final class ApplicationSettings {

  private static final List<ConfigurationPropertyName> BOOT_PROPERTIES = new ArrayList<>();
  private static final List<ConfigurationPropertyName> BOOT_MAP_PROPERTIES = new ArrayList<>();
  private static final Map<Class<?>, String> RECORDS = new LinkedHashMap<>();

  static {
    loadBootMetadata();
    findConfigurationRecords();
  }

  private ApplicationSettings() {}

  /** The environment variables a container sets, as Spring sees them: relaxed names. */
  static PropertySource<?> environment(Map<String, String> variables) {
    return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new LinkedHashMap<>(variables));
  }

  /** A YAML configuration file as Spring loads it (flattened keys such as {@code a.b[0]}). */
  static List<PropertySource<?>> yaml(String name, String content) {
    try {
      return new YamlPropertySourceLoader().load(name,
          new ByteArrayResource(content.getBytes(StandardCharsets.UTF_8), name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The application's own defaults ({@code application.yml} on its classpath). */
  static List<PropertySource<?>> packagedDefaults() {
    try {
      return new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The keys of {@code checked} that the application does not read, given everything it is started with
   * ({@code all}, which must include {@code checked}). An empty answer means every key is one the application
   * reads.
   */
  static List<String> unreadKeys(EnumerablePropertySource<?> checked, List<PropertySource<?>> all) {
    Set<ConfigurationPropertyName> bound = boundByApplication(all);
    BiFunction<String, Object, PropertySource<?>> single = checked instanceof SystemEnvironmentPropertySource
        ? (key, value) -> environment(Map.of(key, String.valueOf(value)))
        : (key, value) -> new MapPropertySource("single", Map.of(key, value));
    List<String> unread = new ArrayList<>();
    for (String key : checked.getPropertyNames()) {
      ConfigurationPropertySource one = ConfigurationPropertySource.from(single.apply(key,
          checked.getProperty(key)));
      if (!supplies(one, bound)) {
        unread.add(key);
      }
    }
    return unread;
  }

  /** The value of a setting given these sources, the way the application resolves it. */
  static <T> T resolve(String name, Class<T> type, List<PropertySource<?>> sources, T fallback) {
    return new Binder(ConfigurationPropertySources.from(sources)).bind(name, type).orElse(fallback);
  }

  /** Names the application's configuration records take from these sources, relaxed names resolved. */
  static Set<ConfigurationPropertyName> boundByApplication(List<PropertySource<?>> sources) {
    Set<ConfigurationPropertyName> used = new LinkedHashSet<>();
    BindHandler recorder = new BindHandler() {
      @Override
      public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
          Object result) {
        if (context.getConfigurationProperty() != null) {
          used.add(context.getConfigurationProperty().getName());
        }
        return result;
      }
    };
    Binder binder = new Binder(ConfigurationPropertySources.from(sources));
    RECORDS.forEach((type, prefix) -> binder.bind(prefix, Bindable.of(type), recorder));
    return used;
  }

  /** The application's configuration records and their prefixes, found by scanning its packages. */
  static Map<Class<?>, String> configurationRecords() {
    return Map.copyOf(RECORDS);
  }

  private static boolean supplies(ConfigurationPropertySource one, Set<ConfigurationPropertyName> bound) {
    for (ConfigurationPropertyName name : bound) {
      if (one.getConfigurationProperty(name) != null) {
        return true;
      }
    }
    for (ConfigurationPropertyName name : BOOT_PROPERTIES) {
      if (one.getConfigurationProperty(name) != null) {
        return true;
      }
    }
    for (ConfigurationPropertyName map : BOOT_MAP_PROPERTIES) {
      if (one.containsDescendantOf(map) == ConfigurationPropertyState.PRESENT) {
        return true;
      }
    }
    return false;
  }

  private static void loadBootMetadata() {
    JsonMapper json = JsonMapper.builder().build();
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    try {
      List<Resource> files = new ArrayList<>();
      files.addAll(List.of(resolver.getResources("classpath*:META-INF/spring-configuration-metadata.json")));
      files.addAll(List.of(resolver.getResources(
          "classpath*:META-INF/additional-spring-configuration-metadata.json")));
      for (Resource file : files) {
        try (InputStream in = file.getInputStream()) {
          for (JsonNode property : json.readTree(in).path("properties")) {
            String name = property.path("name").asString();
            if (!ConfigurationPropertyName.isValid(name)) {
              continue;
            }
            BOOT_PROPERTIES.add(ConfigurationPropertyName.of(name));
            if (property.path("type").asString("").startsWith("java.util.Map")) {
              BOOT_MAP_PROPERTIES.add(ConfigurationPropertyName.of(name));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (BOOT_PROPERTIES.isEmpty()) {
      throw new IllegalStateException("no Spring Boot configuration metadata on the classpath");
    }
  }

  private static void findConfigurationRecords() {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    Map<String, Class<?>> found = new HashMap<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents(
        PaymentRouterApplication.class.getPackageName())) {
      try {
        found.put(candidate.getBeanClassName(), Class.forName(candidate.getBeanClassName()));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    found.values().stream()
        .sorted(java.util.Comparator.comparing(Class::getName))
        .forEach(type -> {
          ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
          String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
          RECORDS.put(type, prefix);
        });
    if (RECORDS.isEmpty()) {
      throw new IllegalStateException("no @ConfigurationProperties found in the application's packages");
    }
  }
}
