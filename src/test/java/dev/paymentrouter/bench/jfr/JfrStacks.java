package dev.paymentrouter.bench.jfr;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Writes the CPU samples of a JFR recording as collapsed stacks, one distinct stack per line:
 * {@code thread;root.frame;...;leaf.frame count}, the format flame graph tools read.
 *
 * <p>Usage: {@code JfrStacks <recording.jfr> <out-prefix>}: writes {@code <out-prefix>.cpu-time.collapsed} from
 * {@code jdk.CPUTimeSample} (JDK 25's CPU-time sampler, which also sees native code and system calls) and
 * {@code <out-prefix>.execution.collapsed} from {@code jdk.ExecutionSample}. Reading the recording here is much
 * cheaper than {@code jfr print --json}, which writes hundreds of kilobytes per deep reactive stack.
 */
public final class JfrStacks {

  private static final Pattern LAMBDA_ADDRESS = Pattern.compile("\\$\\$Lambda[/.]0x[0-9a-f]+");
  private static final Pattern HIDDEN_ADDRESS = Pattern.compile("[/.]0x[0-9a-f]+");

  private JfrStacks() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: JfrStacks <recording.jfr> <out-prefix>");
      System.exit(2);
    }
    Map<String, Map<String, Integer>> byType = Map.of(
        "jdk.CPUTimeSample", new HashMap<>(), "jdk.ExecutionSample", new HashMap<>());
    try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
      while (recording.hasMoreEvents()) {
        RecordedEvent event = recording.readEvent();
        Map<String, Integer> stacks = byType.get(event.getEventType().getName());
        RecordedStackTrace trace = event.getStackTrace();
        if (stacks == null || trace == null) {
          continue;
        }
        stacks.merge(collapse(thread(event), trace.getFrames()), 1, Integer::sum);
      }
    }
    write(byType.get("jdk.CPUTimeSample"), Path.of(args[1] + ".cpu-time.collapsed"));
    write(byType.get("jdk.ExecutionSample"), Path.of(args[1] + ".execution.collapsed"));
  }

  private static String thread(RecordedEvent event) {
    RecordedThread thread = event.hasField("sampledThread") ? event.getThread("sampledThread") : event.getThread();
    String name = thread == null ? null : thread.getJavaName();
    if (name == null && thread != null) {
      name = thread.getOSName();
    }
    return name == null ? "?" : name.replace(';', '_').replace(' ', '_');
  }

  private static String collapse(String thread, List<RecordedFrame> frames) {
    StringBuilder line = new StringBuilder(thread);
    // JFR lists frames leaf first; collapsed stacks go from the root to the leaf.
    for (int i = frames.size() - 1; i >= 0; i--) {
      RecordedFrame frame = frames.get(i);
      String type = frame.getMethod().getType().getName();
      type = HIDDEN_ADDRESS.matcher(LAMBDA_ADDRESS.matcher(type).replaceAll("\\$\\$Lambda")).replaceAll("");
      line.append(';').append(type).append('.').append(frame.getMethod().getName());
    }
    return line.toString().replace(' ', '_');
  }

  private static void write(Map<String, Integer> stacks, Path file) throws IOException {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      stacks.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .forEach(entry -> out.println(entry.getKey() + " " + entry.getValue()));
    }
  }
}
