package dev.nixdeploy.internal.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Vectors from {@code ssh-keygen -lf KEY.pub} (OpenSSH 9.2). */
class FingerprintsTest {
  @ParameterizedTest
  @CsvSource({
      "AAAAC3NzaC1lZDI1NTE5AAAAIEzdeTzSI4j597/gDwXtDKoCiqo8ENsy/kE4t2+Kp36S, "
          + "SHA256:Ms3Fhmg6kYbROqkjN4X4FyUoMFfrOLAbSS5D3YgKoKM",
      "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPJTlowsIvuQEXayrDrFq5Sd7gW1US67Vbr9vGJEg6+tOKUKM1KO+7+uKHgvi5JgulULCZQyRfwwyUMR7zo9MDo=, "
          + "SHA256:yO6bd9yzFpgvEfQx4KshZwNorElNFukIWrgeF6frm7M",
      "AAAAC3NzaC1lZDI1NTE5AAAAIK3EXf94gu70lfBZbPlquHYgeFk7r30FhYtg5CINOSYu, "
          + "SHA256:xHqcdRZV+eR1uW8vLIhRVpwWj8auV/O2kt+trH2lwHg",
  })
  void matchesSshKeygen(String blob, String expected) {
    assertThat(Fingerprints.sha256(Base64.getDecoder().decode(blob))).isEqualTo(expected).doesNotEndWith("=");
  }
}
