package dev.nixdeploy.internal.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a new JVM with a small heap, to prove memory stays flat. */
public final class SmallHeapJvm {
  private SmallHeapJvm() {}

  /** What the forked JVM printed (stdout and stderr) and its exit code; -1 if it had to be killed. */
  public record Result(int exitCode, String output) {}

  /**
   * @param maxHeap the {@code -Xmx} value, e.g. {@code 64m}
   * @param main a class with a {@code main} method, on this JVM's classpath
   * @param args its arguments
   * @return its exit code and output, once it ended (killed after 10 minutes)
   */
  public static Result run(String maxHeap, Class<?> main, String... args) throws IOException, InterruptedException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-cp",
        System.getProperty("java.class.path"), main.getName()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        return new Result(-1, output);
      }
      return new Result(p.exitValue(), output);
    } finally {
      p.destroyForcibly();
    }
  }
}
