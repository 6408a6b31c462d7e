package dev.nixdeploy.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.nixdeploy.Command;
import dev.nixdeploy.CommandResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalTransportTest {
  /** Generous: the command takes a fraction of a second; this only keeps a deadlock from hanging the build. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);

  @Test
  void feedsALargeInputToACommandThatPrintsAsItReads() {
    // cat fills its output pipe long before it has read 10 MB: the input must go in while the output is read.
    String input = "0123456789abcdef\n".repeat(10 * 1024 * 1024 / 17);

    CommandResult result;
    try (LocalTransport local = LocalTransport.create()) {
      result = assertTimeoutPreemptively(HANG_GUARD,
          () -> local.run(Command.of("cat"), input.getBytes(StandardCharsets.UTF_8)));
    }

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).isEqualTo(input);
  }

  @Test
  void aCommandThatDoesNotReadItsInputStillEnds() {
    byte[] input = new byte[1 << 20];

    CommandResult result;
    try (LocalTransport local = LocalTransport.create()) {
      result = assertTimeoutPreemptively(HANG_GUARD,
          () -> local.run(Command.of("sh", "-c", "echo ignored input >&2; exit 3"), input));
    }

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).isEqualTo("ignored input\n");
  }

  @Test
  void aMissingProgramExitsWith127() {
    try (LocalTransport local = LocalTransport.create()) {
      CommandResult result = local.run(Command.of("nix-deploy-no-such-program"));

      assertThat(result.exitCode()).isEqualTo(LocalTransport.COMMAND_NOT_FOUND);
      assertThat(result.stderr()).contains("nix-deploy-no-such-program");
    }
  }
}
