package dev.paymentrouter.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;

/**
 * The repository's Dockerfile, read into stages of instructions: enough to check what the image holds without
 * a Docker engine. Continuation lines are joined; comments and the parser directive are dropped.
 */
record Dockerfile(List<Stage> stages) {

  static final Path PATH = Path.of("Dockerfile");

  /** One {@code FROM} and the instructions after it. */
  record Stage(String image, String name, List<Instruction> instructions) {

    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The last instruction of a kind, the one in force; null if none. */
    Instruction last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? null : found.getLast();
    }
  }

  /** An instruction: its upper-case keyword and its arguments as written. */
  record Instruction(String keyword, String arguments) {

    /** The arguments of an exec-form instruction ({@code ["java", "-jar"]}); fails for the shell form. */
    List<String> execForm() {
      if (!arguments.startsWith("[")) {
        throw new AssertionError(keyword + " is in shell form: " + arguments);
      }
      return List.of(JsonMapper.builder().build().readValue(arguments, String[].class));
    }
  }

  static Dockerfile read() {
    try {
      return parse(Files.readAllLines(PATH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Dockerfile parse(List<String> lines) {
    List<String> logical = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      logical.add(current.toString().strip());
      current.setLength(0);
    }
    List<Stage> stages = new ArrayList<>();
    List<Instruction> instructions = null;
    for (String line : logical) {
      if (line.isEmpty()) {
        continue;
      }
      String[] split = line.split("\\s+", 2);
      Instruction instruction = new Instruction(split[0].toUpperCase(Locale.ROOT), split.length > 1 ? split[1] : "");
      if (instruction.keyword().equals("FROM")) {
        String[] from = instruction.arguments().split("\\s+");
        String name = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
        instructions = new ArrayList<>();
        stages.add(new Stage(from[0], name, instructions));
      } else if (instructions == null) {
        if (!instruction.keyword().equals("ARG")) {
          throw new AssertionError("instruction before the first FROM: " + line);
        }
      } else {
        instructions.add(instruction);
      }
    }
    return new Dockerfile(List.copyOf(stages));
  }

  /** The stage the image is made of. */
  Stage runtime() {
    return stages.getLast();
  }

  /** A stage by its {@code AS} name. */
  Stage stage(String name) {
    return stages.stream().filter(s -> name.equals(s.name())).findFirst()
        .orElseThrow(() -> new AssertionError("no stage " + name));
  }
}
