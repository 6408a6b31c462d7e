package dev.nixdeploy.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Nix's wire format, the server's side: little-endian 64-bit numbers, strings as a length and bytes
 * padded to 8, lists as a count and strings. Bounded, as the fake is tested with hostile clients too.
 */
final class Wire {
  private static final int MAX_STRING = 1 << 20;
  private static final int MAX_LIST = 1 << 20;

  private Wire() {}

  static long readLong(InputStream in) throws IOException {
    byte[] b = readFully(in, 8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  static boolean readBool(InputStream in) throws IOException {
    return readLong(in) != 0;
  }

  static String readString(InputStream in) throws IOException {
    long length = readLong(in);
    if (length < 0 || length > MAX_STRING) {
      throw new IOException("protocol error: a string of " + length + " bytes");
    }
    byte[] bytes = readFully(in, (int) length);
    readFully(in, padding(length));
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static List<String> readStrings(InputStream in) throws IOException {
    long count = readLong(in);
    if (count < 0 || count > MAX_LIST) {
      throw new IOException("protocol error: a list of " + count + " strings");
    }
    List<String> out = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      out.add(readString(in));
    }
    return out;
  }

  static byte[] readFully(InputStream in, int length) throws IOException {
    byte[] b = new byte[length];
    int done = 0;
    while (done < length) {
      int n = in.read(b, done, length - done);
      if (n < 0) {
        throw new EOFException("unexpected end-of-file");
      }
      done += n;
    }
    return b;
  }

  static void writeLong(OutputStream out, long v) throws IOException {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    out.write(b);
  }

  static void writeString(OutputStream out, String s) throws IOException {
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  static void writeBytes(OutputStream out, byte[] bytes) throws IOException {
    writeLong(out, bytes.length);
    out.write(bytes);
    out.write(new byte[padding(bytes.length)]);
  }

  static void writeStrings(OutputStream out, Collection<?> strings) throws IOException {
    writeLong(out, strings.size());
    for (Object s : strings) {
      writeString(out, s.toString());
    }
  }

  static int padding(long length) {
    return (int) ((8 - length % 8) % 8);
  }

  /** @return the wire form of {@code strings}, for building NARs */
  static byte[] strings(String... strings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (String s : strings) {
        writeString(out, s);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
