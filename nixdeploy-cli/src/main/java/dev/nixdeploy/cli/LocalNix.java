package dev.nixdeploy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Asks the Nix on this machine's PATH for its version, as {@code nix-deploy --version} shows it. */
final class LocalNix {
  private static final long TIMEOUT_SECONDS = 10;
  private static final int MAX_OUTPUT = 4096;

  private LocalNix() {}

  /** @return e.g. {@code nix-store (Nix) 2.8.0}, or why there is none */
  static String version() {
    ProcessBuilder builder = new ProcessBuilder("nix-store", "--version").redirectErrorStream(true);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readNBytes(MAX_OUTPUT);
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "nix-store --version did not answer within " + TIMEOUT_SECONDS + " s";
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      String first = text.lines().findFirst().orElse("");
      return process.exitValue() == 0 && !first.isEmpty() ? first
          : "nix-store --version failed (exit code " + process.exitValue() + "): " + first;
    } catch (IOException e) {
      return "not found (no nix-store on the PATH; install Nix to deploy from this machine)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown (interrupted)";
    }
  }
}
