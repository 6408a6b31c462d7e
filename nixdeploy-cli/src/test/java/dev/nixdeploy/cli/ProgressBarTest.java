package dev.nixdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.CopyResult;
import dev.nixdeploy.NarHash;
import dev.nixdeploy.PathInfo;
import dev.nixdeploy.StorePath;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bar's escapes and text; a real terminal reads them back in ProgressBarIT. */
class ProgressBarTest {
  private static PathInfo path(char c, long size) {
    return PathInfo.builder(StorePath.parse("/nix/store/" + String.valueOf(c).repeat(32) + "-p"))
        .narHash(NarHash.parse("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"))
        .narSize(size).build();
  }

  @Test
  void drawsABarPerCopyAndPrintsOtherLinesAboveIt() {
    StringWriter out = new StringWriter();
    AtomicLong now = new AtomicLong();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), false, 120, now::get);

    bar.missingPathsFound("deploy@web-1", 2, 2 * 1024 * 1024);
    now.addAndGet(1_000_000_000L);
    bar.pathCopied("deploy@web-1", path('a', 1024 * 1024));
    now.addAndGet(1_000_000_000L);
    bar.pathCopied("deploy@web-1", path('b', 1024 * 1024));
    bar.copyFinished("deploy@web-1", new CopyResult(List.of(), 2 * 1024 * 1024, 0, Duration.ofSeconds(2)));

    String erase = "\r\033[1F\033[J";
    assertThat(out.toString()).isEqualTo(
        "[+] deploy@web-1: sending 2 paths, 2.0 MiB\n"
            + "deploy@web-1 [........................] 0/2 paths 0 B/2.0 MiB 0 B/s --:-- left\n"
            + erase + "deploy@web-1 [############............] 1/2 paths 1.0 MiB/2.0 MiB 1.0 MiB/s 0:01 left\n"
            + erase + "deploy@web-1 [########################] 2/2 paths 2.0 MiB/2.0 MiB 1.0 MiB/s 0:00 left\n"
            + erase + "[+] deploy@web-1: sent 0 paths, 2.0 MiB in 2.0 s (0 already there)\n");
  }

  @Test
  void redrawsAtMostTenTimesASecond() {
    StringWriter out = new StringWriter();
    AtomicLong now = new AtomicLong();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), false, 120, now::get);
    bar.missingPathsFound("h", 100, 100);
    for (int i = 0; i < 99; i++) {
      now.addAndGet(1_000_000L);
      bar.pathCopied("h", path('c', 1));
    }
    assertThat(out.toString().split("\033\\[J", -1)).hasSizeLessThan(3);
  }
}
