package dev.paymentrouter.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paymentrouter.PaymentRouterApplication;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DatabaseEnvironmentTest {

  final DatabaseEnvironment processor = new DatabaseEnvironment();

  @Test
  void derivesFlywaysJdbcSettingsFromTheR2dbcUrl() {
    StandardEnvironment environment = environment(Map.of(
        "spring.r2dbc.url", "r2dbc:postgresql://db.internal:5433/router?sslMode=require",
        "spring.r2dbc.username", "router",
        "spring.r2dbc.password", "s3cret"));
    processor.postProcessEnvironment(environment, new SpringApplication());
    assertThat(environment.getProperty("spring.flyway.url"))
        .isEqualTo("jdbc:postgresql://db.internal:5433/router?sslMode=require");
    assertThat(environment.getProperty("spring.flyway.user")).isEqualTo("router");
    assertThat(environment.getProperty("spring.flyway.password")).isEqualTo("s3cret");
  }

  @Test
  void takesCredentialsFromTheUrlWhenTheyAreNotGivenApart() {
    StandardEnvironment environment = environment(Map.of(
        "spring.r2dbc.url", "r2dbc:postgresql://app:pw@localhost/payments"));
    processor.postProcessEnvironment(environment, new SpringApplication());
    assertThat(environment.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://localhost/payments");
    assertThat(environment.getProperty("spring.flyway.user")).isEqualTo("app");
    assertThat(environment.getProperty("spring.flyway.password")).isEqualTo("pw");
  }

  @Test
  void leavesAnExplicitFlywayConfigurationAlone() {
    StandardEnvironment environment = environment(Map.of(
        "spring.r2dbc.url", "r2dbc:postgresql://localhost/payments",
        "spring.flyway.url", "jdbc:postgresql://migrations-host/payments"));
    processor.postProcessEnvironment(environment, new SpringApplication());
    assertThat(environment.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://migrations-host/payments");
  }

  @Test
  void refusesToStartWithoutADatabaseInsteadOfFallingBackToAnEmbeddedOne() {
    SpringApplication application = new SpringApplication(PaymentRouterApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.addInitializers(new dev.paymentrouter.testsupport.PrivateReactorResources());
    // An environment of its own: no system properties or variables from the rest of the test run.
    application.setEnvironment(environment(Map.of()));
    assertThatThrownBy(application::run)
        .isInstanceOf(DatabaseEnvironment.DatabaseNotConfiguredException.class)
        .hasMessageContaining("SPRING_R2DBC_URL");
  }

  @Test
  void explainsTheMissingDatabaseInTheStartupReport() {
    var analysis = new DatabaseNotConfiguredFailureAnalyzer()
        .analyze(new DatabaseEnvironment.DatabaseNotConfiguredException());
    assertThat(analysis.getDescription()).contains("needs a PostgreSQL database");
    assertThat(analysis.getAction()).contains("SPRING_R2DBC_URL").contains("./mvnw spring-boot:run");
  }

  private static StandardEnvironment environment(Map<String, Object> properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
    return environment;
  }
}
