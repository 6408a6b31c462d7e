package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {
  private static byte[] written(IoConsumer<WireOutput> writes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (WireOutput out = new WireOutput(bytes)) {
      writes.accept(out);
    }
    return bytes.toByteArray();
  }

  private static WireInput input(byte[] bytes) {
    return new WireInput(new ByteArrayInputStream(bytes));
  }

  interface IoConsumer<T> {
    void accept(T t) throws IOException;
  }

  @Test
  void integersAreLittleEndianSixtyFourBits() throws IOException {
    byte[] bytes = written(o -> o.writeLong(0x390c9debL));
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("eb9d0c3900000000");
    assertThat(input(bytes).readLong()).isEqualTo(0x390c9debL);
    assertThat(input(written(o -> o.writeLong(-2))).readLong()).isEqualTo(-2);
  }

  @Test
  void stringsArePaddedToEightBytes() throws IOException {
    assertThat(HexFormat.of().formatHex(written(o -> o.writeString("abc"))))
        .isEqualTo("0300000000000000" + "6162630000000000");
    assertThat(written(o -> o.writeString("12345678"))).hasSize(16);
    assertThat(written(o -> o.writeString(""))).hasSize(8);
  }

  @Test
  void stringsAndListsRoundTrip() throws IOException {
    List<String> values = List.of("", "a", "/nix/store/x", "é-unicode", "12345678", "123456789");
    WireInput in = input(written(o -> o.writeStrings(values).writeString("tail").writeBool(true)));
    assertThat(in.readStrings()).isEqualTo(values);
    assertThat(in.readString()).isEqualTo("tail");
    assertThat(in.readBool()).isTrue();
  }

  @Test
  void refusesHostileLengthsBeforeAllocating() throws IOException {
    assertThatThrownBy(() -> input(written(o -> o.writeLong(Long.MAX_VALUE))).readString())
        .isInstanceOf(WireInput.ProtocolException.class).hasMessageContaining("exceeds the limit");
    assertThatThrownBy(() -> input(written(o -> o.writeLong(-1))).readString())
        .isInstanceOf(WireInput.ProtocolException.class);
    assertThatThrownBy(() -> input(written(o -> o.writeLong(WireInput.MAX_STRING + 1L))).readString())
        .isInstanceOf(WireInput.ProtocolException.class);
    assertThatThrownBy(() -> input(written(o -> o.writeLong(1L << 40))).readStrings())
        .isInstanceOf(WireInput.ProtocolException.class).hasMessageContaining("list");
  }

  @Test
  void aLargeCountAloneAllocatesNothingAndEndsAtEndOfStream() throws IOException {
    assertThatThrownBy(() -> input(written(o -> o.writeLong(9_000_000))).readStrings())
        .isInstanceOf(EOFException.class);
  }

  @Test
  void refusesNonZeroPaddingAndBadBooleans() throws IOException {
    byte[] bytes = written(o -> o.writeString("abc"));
    bytes[12] = 1;
    assertThatThrownBy(() -> input(bytes).readString()).hasMessageContaining("padding");
    assertThatThrownBy(() -> input(written(o -> o.writeLong(2))).readBool()).hasMessageContaining("0 or 1");
  }

  @Test
  void truncatedInputIsAnEndOfStream() throws IOException {
    byte[] bytes = written(o -> o.writeString("abcdefghij"));
    byte[] cut = java.util.Arrays.copyOf(bytes, 12);
    assertThatThrownBy(() -> input(cut).readString()).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> input(new byte[3]).readLong()).isInstanceOf(EOFException.class);
  }
}
