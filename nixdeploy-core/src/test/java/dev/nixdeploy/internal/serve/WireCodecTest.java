package dev.nixdeploy.internal.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nixdeploy.Fuzz;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.ArrayList;
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

  /** Random sequences of integers, booleans, strings and string lists read back as written ({@link Fuzz}). */
  @Test
  void randomValuesRoundTrip() {
    Fuzz.check("WireCodecTest.roundTrip", random -> {
      for (int round = 0; round < 500; round++) {
        List<Object> values = new ArrayList<>();
        for (int i = random.nextInt(20); i > 0; i--) {
          switch (random.nextInt(4)) {
            case 0 -> values.add(random.nextLong());
            case 1 -> values.add(random.nextBoolean());
            case 2 -> values.add(Fuzz.text(random, 100));
            default -> {
              List<String> list = new ArrayList<>();
              for (int j = random.nextInt(5); j > 0; j--) {
                list.add(Fuzz.text(random, 30));
              }
              values.add(list);
            }
          }
        }
        byte[] bytes = written(o -> {
          for (Object v : values) {
            if (v instanceof Long l) {
              o.writeLong(l);
            } else if (v instanceof Boolean b) {
              o.writeBool(b);
            } else if (v instanceof String t) {
              o.writeString(t);
            } else {
              @SuppressWarnings("unchecked")
              List<String> list = (List<String>) v;
              o.writeStrings(list);
            }
          }
        });
        assertThat(bytes.length % 8).isZero();
        WireInput in = input(bytes);
        for (Object v : values) {
          Object read = v instanceof Long ? (Object) in.readLong() : v instanceof Boolean ? (Object) in.readBool()
              : v instanceof String ? in.readString() : in.readStrings();
          assertThat(read).isEqualTo(v);
        }
        assertThatThrownBy(in::readLong).isInstanceOf(EOFException.class);
      }
    });
  }

  /**
   * Random bytes, and valid frames with random bytes changed, read as any value: a value or an
   * {@link IOException} (end of stream, or a protocol error before anything large is allocated), never
   * another exception.
   */
  @Test
  void randomBytesReadAsAValueOrAnIoError() {
    Fuzz.check("WireCodecTest.randomInput", random -> {
      for (int round = 0; round < 5_000; round++) {
        byte[] bytes;
        if (random.nextBoolean()) {
          bytes = new byte[random.nextInt(64)];
          random.nextBytes(bytes);
          if (bytes.length >= 8 && random.nextBoolean()) {
            // A small length or count, so that reads get past it.
            java.util.Arrays.fill(bytes, 1, 8, (byte) 0);
          }
        } else {
          bytes = written(o -> o.writeStrings(List.of(Fuzz.text(random, 20), Fuzz.text(random, 20))));
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        WireInput in = input(bytes);
        try {
          for (int i = 0; i < 4; i++) {
            switch (random.nextInt(4)) {
              case 0 -> in.readLong();
              case 1 -> in.readBool();
              case 2 -> assertThat(in.readString().length()).isLessThanOrEqualTo(bytes.length);
              default -> assertThat(in.readStrings().size()).isLessThanOrEqualTo(bytes.length);
            }
          }
        } catch (IOException expected) {
          assertThat(expected.getMessage() == null || !expected.getMessage().isBlank()).isTrue();
        }
      }
    });
  }
}
