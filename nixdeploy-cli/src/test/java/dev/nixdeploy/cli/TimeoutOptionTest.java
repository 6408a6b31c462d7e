package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --timeout SECONDS}: the time a host's Nix may go without progress before the deployer gives up. */
class TimeoutOptionTest {
  private static ConnectionOptions parse(String... args) {
    ConnectionOptions options = new ConnectionOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void setsTheProgressTimeoutOfTheSshSettings() {
    assertThat(parse("--timeout", "7").sshSettings().progressTimeout()).hasValue(Duration.ofSeconds(7));
    assertThat(parse().sshSettings().progressTimeout()).isEmpty();
  }

  @Test
  void refusesTimesThatAreNotAPositiveNumberOfSecondsAsInvalidInput() {
    for (String bad : new String[] {"0", "-5", "9999999999"}) {
      assertThatThrownBy(() -> parse("--timeout", bad).check()).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("--timeout takes a number of seconds from 1 to");
    }
  }
}
