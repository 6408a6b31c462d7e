package dev.nixdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NixBase32Test {

  @Test
  void encodesSha256OfAbcAsNixDoes() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("abc".getBytes(StandardCharsets.US_ASCII));
    assertThat(NixBase32.encode(digest)).isEqualTo("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
  }

  // Vectors from nix-hash --to-base32 (Nix 2.8) for md5, sha1, sha256 and sha512 of "abc" and "".
  @ParameterizedTest
  @CsvSource({
      "900150983cd24fb0d6963f7d28e17f72, 3jgzhjhz9zjvbb0kyj7jc500ch",
      "a9993e364706816aba3e25717850c26c9cd0d89d, kpcd173cq987hw957sx6m0868wv3x6d9",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,"
          + " 0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
          + "454d4423643ce80e2a9ac94fa54ca49f, 2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly"
          + "1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx",
  })
  void matchesNixHashVectorsBothWays(String hex, String base32) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    assertThat(NixBase32.encode(bytes)).isEqualTo(base32);
    assertThat(NixBase32.decode(base32, bytes.length)).isEqualTo(bytes);
    assertThat(NixBase32.encodedLength(bytes.length)).isEqualTo(base32.length());
  }

  @Test
  void roundTripsEveryLengthFromZeroTo100() {
    Random random = new Random(42);
    for (int length = 0; length <= 100; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      String text = NixBase32.encode(bytes);
      assertThat(text).hasSize(NixBase32.encodedLength(length)).matches("[" + NixBase32.ALPHABET + "]*");
      assertThat(NixBase32.decode(text, length)).as("length %d", length).isEqualTo(bytes);
    }
  }

  @Test
  void allOnesAndAllZeros() {
    assertThat(NixBase32.encode(new byte[32])).isEqualTo("0".repeat(52));
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    assertThat(NixBase32.encode(ones)).isEqualTo("1" + "z".repeat(51));
  }

  @Test
  void rejectsWrongLength() {
    assertThatThrownBy(() -> NixBase32.decode("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5", 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nix-base32 text for 32 bytes must have 52 characters, not 51");
  }

  @ParameterizedTest
  @ValueSource(chars = {'e', 'o', 'u', 't', 'A', '-', ' '})
  void rejectsCharactersOutsideTheAlphabet(char c) {
    String text = c + "b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
    assertThatThrownBy(() -> NixBase32.decode(text, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + c + "' is not a nix-base32 character");
  }

  @Test
  void rejectsBitsBeyondTheByteLength() {
    // 52 characters carry 260 bits: the first may only be 0 or 1 for 32 bytes.
    assertThatThrownBy(() -> NixBase32.decode("2" + "0".repeat(51), 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nix-base32 text has bits beyond 32 bytes");
  }
}
