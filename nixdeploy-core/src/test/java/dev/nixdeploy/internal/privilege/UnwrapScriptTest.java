package dev.nixdeploy.internal.privilege;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link RootAccess#UNWRAP} on a real {@code sh}: whatever sudo left of the password, the command never sees it. */
class UnwrapScriptTest {
  private static final String MARKER = "nix-deploy-stdin-0123456789abcdef";

  private static String[] run(String input) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", RootAccess.UNWRAP, "sh", MARKER, "cat").start();
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new String[] {Integer.toString(p.waitFor()), out};
  }

  @Test
  void passesWhatFollowsTheMarkerWhetherOrNotSudoReadThePassword() throws Exception {
    assertThat(run(MARKER + "\npayload\nmore")).containsExactly("0", "payload\nmore");
    assertThat(run(" pass \\word $x\n" + MARKER + "\npayload\n")).containsExactly("0", "payload\n");
    assertThat(run(MARKER + "\n")).containsExactly("0", "");
  }

  @Test
  void refusesToRunTheCommandWithoutTheMarker() throws Exception {
    assertThat(run("password\nnot the marker\npayload\n")).containsExactly("125", "");
    assertThat(run("")).containsExactly("125", "");
    assertThat(run("password")).containsExactly("125", "");
  }
}
