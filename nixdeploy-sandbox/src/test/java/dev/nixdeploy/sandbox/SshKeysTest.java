package dev.nixdeploy.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SshKeysTest {
  // Made by ssh-keygen -t ed25519; ssh-keygen -l printed the fingerprint.
  private static final String KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPtw6MWAmNNLaO28fEvMbUfUzu06nty6FIyYlpV0nfpQ test";

  @Test
  void fingerprintIsWhatSshKeygenShows() {
    assertThat(SshKeys.fingerprint(KEY)).isEqualTo("SHA256:HMrT+FOdjye92sEFilgNrW0HbV33wfnZbOfguaUBELU");
  }

  @Test
  void fingerprintIgnoresCommentAndSpacing() {
    assertThat(SshKeys.fingerprint("  " + KEY.replace(" test", "") + "\n"))
        .isEqualTo(SshKeys.fingerprint(KEY));
  }

  @Test
  void lineWithoutBlobIsRejected() {
    assertThatThrownBy(() -> SshKeys.fingerprint("ssh-ed25519"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
