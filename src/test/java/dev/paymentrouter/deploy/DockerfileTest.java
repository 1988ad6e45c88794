package dev.paymentrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the image holds and how it starts, read from the Dockerfile (no Docker engine needed). */
class DockerfileTest {

  final Dockerfile dockerfile = Dockerfile.read();
  final Dockerfile.Stage runtime = dockerfile.runtime();

  @Test
  void buildsWithTheMavenWrapperOnAJdkAndRunsOnAJreOfTheSameRelease() {
    Dockerfile.Stage build = dockerfile.stages().getFirst();
    assertThat(dockerfile.stages()).hasSize(2);
    assertThat(build.image()).matches("eclipse-temurin:(\\d+)\\.\\d+\\.\\d+_\\d+-jdk-[a-z]+");
    assertThat(runtime.image()).matches("eclipse-temurin:\\d+\\.\\d+\\.\\d+_\\d+-jre-[a-z]+");
    // Pinned to one release: the same version and build on both sides, never a floating tag.
    assertThat(runtime.image().replace("-jre-", "-jdk-")).isEqualTo(build.image());
    assertThat(build.all("RUN")).anySatisfy(run -> assertThat(run.arguments()).contains("./mvnw -B")
        .contains("package"));
  }

  @Test
  void extractsSpringBootsLayersAndCopiesThemLeastChangingFirst() {
    Dockerfile.Stage build = dockerfile.stages().getFirst();
    assertThat(build.all("RUN")).anySatisfy(run -> assertThat(run.arguments())
        .contains("java -Djarmode=tools -jar").contains("extract --layers --launcher"));
    List<String> copies = runtime.all("COPY").stream().map(Dockerfile.Instruction::arguments).toList();
    assertThat(copies).containsExactly(
        "--from=" + build.name() + " /build/extracted/dependencies/ ./",
        "--from=" + build.name() + " /build/extracted/spring-boot-loader/ ./",
        "--from=" + build.name() + " /build/extracted/snapshot-dependencies/ ./",
        "--from=" + build.name() + " /build/extracted/application/ ./");
  }

  @Test
  void runsAsANonRootNumericUserWithoutBuildTools() {
    String user = runtime.last("USER").arguments();
    assertThat(user).matches("\\d+(:\\d+)?");
    assertThat(Integer.parseInt(user.split(":")[0])).isGreaterThanOrEqualTo(1000);
    assertThat(runtime.image()).contains("-jre-").doesNotContain("jdk");
    assertThat(runtime.instructions()).noneSatisfy(instruction -> assertThat(instruction.arguments())
        .containsAnyOf("mvnw", "maven", ".m2", "pom.xml", "apt-get install"));
  }

  @Test
  void exposesTheApiPortAndTheManagementPortTheApplicationServes() {
    int serverPort = ApplicationSettings.resolve("server.port", Integer.class, ApplicationSettings.packagedDefaults(),
        8080);
    int managementPort = ApplicationSettings.resolve("management.server.port", Integer.class,
        ApplicationSettings.packagedDefaults(), -1);
    assertThat(runtime.last("EXPOSE").arguments()).isEqualTo(serverPort + " " + managementPort);
  }

  @Test
  void sizesTheHeapFromTheContainerAndExitsOnOutOfMemory() {
    assertThat(runtime.all("ENV")).anySatisfy(env -> assertThat(env.arguments())
        .startsWith("JAVA_TOOL_OPTIONS=")
        .contains("-XX:MaxRAMPercentage=75")
        .contains("-XX:+ExitOnOutOfMemoryError"));
  }

  @Test
  void entrypointStartsTheLauncherAndPassesArgumentsThrough() {
    // Exec form and no CMD: `docker run IMAGE simulator` appends "simulator" to the launcher's arguments, and
    // PaymentRouterApplication.main turns that into a provider simulator.
    assertThat(runtime.last("ENTRYPOINT").execForm())
        .containsExactly("java", "org.springframework.boot.loader.launch.JarLauncher");
    assertThat(runtime.all("CMD")).isEmpty();
    assertThat(runtime.last("WORKDIR").arguments()).isEqualTo("/app");
  }

  @Test
  void theBuildContextHoldsWhatTheBuildCopiesAndNothingElse() throws IOException {
    List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream()
        .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    assertThat(ignore.getFirst()).isEqualTo("*");
    List<String> included = ignore.stream().filter(line -> line.startsWith("!"))
        .map(line -> line.substring(1).replaceAll("/$", "")).toList();
    for (Dockerfile.Instruction copy : dockerfile.stages().getFirst().all("COPY")) {
      List<String> sources = List.of(copy.arguments().split("\\s+"));
      for (String source : sources.subList(0, sources.size() - 1)) {
        assertThat(included).as("COPY %s needs a ! line in .dockerignore", source)
            .contains(source.replaceAll("/$", ""));
      }
    }
  }
}
