package dev.nixdeploy.internal.activation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nixdeploy.DeployListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputLinesTest {
  private final List<String> seen = new ArrayList<>();
  private final OutputLines lines = new OutputLines("h", new DeployListener() {
    @Override
    public void activationOutput(String host, String line) {
      seen.add(host + ":" + line);
    }
  });

  private void feed(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    lines.accept(b, b.length);
  }

  @Test
  void linesSplitAcrossChunksAndMultiByteCharactersArriveWhole() {
    byte[] all = "één\nzwei\ndr".getBytes(StandardCharsets.UTF_8);
    lines.accept(new byte[] {all[0]}, 1);
    byte[] rest = java.util.Arrays.copyOfRange(all, 1, all.length);
    lines.accept(rest, rest.length);

    assertThat(seen).containsExactly("h:één", "h:zwei");
    assertThat(lines.tail()).containsExactly("één", "zwei", "dr");
    assertThat(lines.offset()).isEqualTo(all.length);
  }

  @Test
  void onlyTheLastLinesAreKept() {
    for (int i = 0; i < OutputLines.KEPT + 5; i++) {
      feed("line " + i + "\n");
    }

    assertThat(lines.tail()).hasSize(OutputLines.KEPT).startsWith("line 5")
        .endsWith("line " + (OutputLines.KEPT + 4));
    assertThat(seen).hasSize(OutputLines.KEPT + 5);
  }

  @Test
  void aThrowingListenerDoesNotStopTheBookkeeping() {
    OutputLines throwing = new OutputLines("h", new DeployListener() {
      @Override
      public void activationOutput(String host, String line) {
        throw new IllegalStateException("boom");
      }
    });
    byte[] b = "a\nb\n".getBytes(StandardCharsets.UTF_8);
    throwing.accept(b, b.length);

    assertThat(throwing.tail()).containsExactly("a", "b");
  }

  @Test
  void keyValuesTreatEmptyAsAbsent() {
    KeyValues kv = KeyValues.parse("exit=4\nbefore=\nsystem=/nix/store/3sb1xwyd31z2n6vlvq1zz3kkhbhfq6xj-s\n"
        + "bad=x\nnoequals\n");

    assertThat(kv.integer("exit", -1)).isEqualTo(4);
    assertThat(kv.integer("before")).isEmpty();
    assertThat(kv.integer("bad")).isEmpty();
    assertThat(kv.storePath("system")).isPresent();
    assertThat(kv.storePath("bad")).isEmpty();
    assertThat(kv.get("noequals")).isEmpty();
  }
}
