package dev.paymentrouter.platform;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start without a database in Spring Boot's start-up failure report. */
public final class DatabaseNotConfiguredFailureAnalyzer
    extends AbstractFailureAnalyzer<DatabaseEnvironment.DatabaseNotConfiguredException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, DatabaseEnvironment.DatabaseNotConfiguredException cause) {
    return new FailureAnalysis(
        "payment-router needs a PostgreSQL database and none is configured.",
        "Set SPRING_R2DBC_URL (e.g. r2dbc:postgresql://db:5432/payment_router), SPRING_R2DBC_USERNAME and "
            + "SPRING_R2DBC_PASSWORD. To try the router without a database server, run ./mvnw spring-boot:run "
            + "(local mode with an embedded PostgreSQL).",
        cause);
  }
}
