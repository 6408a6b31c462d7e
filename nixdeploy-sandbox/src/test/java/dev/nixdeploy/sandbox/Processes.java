package dev.nixdeploy.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What /proc says about processes, for tests that check nothing was left behind. */
final class Processes {
  private Processes() {}

  /** @return true if the process exists and is not a zombie */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // The state follows the command name, which is in parentheses and may contain anything.
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  /** @return the pids of running processes whose command line contains {@code text} */
  static List<Long> withCommandLineContaining(String text) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String commandLine = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8);
          if (commandLine.contains(text) && running(Long.parseLong(name))) {
            found.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // The process ended while we looked.
        }
      }
    }
    return found;
  }

  /** Waits up to ten seconds for all of {@code pids} to stop running. */
  static List<Long> stillRunningAfterWaiting(List<Long> pids) throws InterruptedException {
    for (int i = 0; i < 500 && pids.stream().anyMatch(Processes::running); i++) {
      Thread.sleep(20);
    }
    return pids.stream().filter(Processes::running).toList();
  }
}
