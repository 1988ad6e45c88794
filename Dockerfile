# syntax=docker/dockerfile:1
#
# payment-router image: the router by default, a provider simulator with `docker run IMAGE simulator`.
#   docker build -t payment-router .
#   docker run -e SPRING_R2DBC_URL=... -p 8080:8080 -p 127.0.0.1:8081:8081 payment-router
# 8080 is the merchants' API; 8081 the management port (probes, metrics, operator endpoints): never publish it
# where merchants reach.
# Checked by src/test/java/dev/paymentrouter/deploy (stages, user, port, entrypoint, layer layout).

# ---- build: the Maven wrapper on a full JDK ----
FROM eclipse-temurin:25.0.3_9-jdk-noble AS build
WORKDIR /build
# The wrapper and the POM first, so that Maven itself is a cached layer.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY db/ db/
COPY src/main/ src/main/
# The Maven repository is a build cache, not a layer. Tests run in CI (./mvnw verify), not in the image build.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -Dmaven.test.skip=true \
 && cp target/payment-router-*.jar application.jar
# Spring Boot's layers: dependencies change rarely and stay cached; the application layer changes every build.
RUN java -Djarmode=tools -jar application.jar extract --layers --launcher --destination extracted

# ---- runtime: a JRE, the extracted layers, a non-root user ----
FROM eclipse-temurin:25.0.3_9-jre-noble
RUN groupadd --system --gid 10001 payment-router \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin payment-router
WORKDIR /app
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./
# Files stay owned by root: the application only reads them (Kubernetes mounts the root filesystem read-only and
# an emptyDir at /tmp).
USER 10001:10001
# The heap follows the container's memory limit; an OutOfMemoryError ends the process so that it is restarted
# instead of limping on. Set JAVA_TOOL_OPTIONS to replace these.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# The API (server.port) and the management port (management.server.port).
EXPOSE 8080 8081
# Arguments are passed through: `docker run IMAGE simulator` runs a provider simulator (SIMULATOR_* variables).
# Health checks: `java -cp /app/BOOT-INF/classes dev.paymentrouter.platform.HealthProbe <url>` (no curl here), e.g.
# http://127.0.0.1:8081/actuator/health/readiness for the router.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
