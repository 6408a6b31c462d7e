package dev.nixdeploy.internal.serve;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Writes the Nix wire format: little-endian 64-bit integers, and strings as their length, their bytes and
 * zero padding to a multiple of 8. Buffered: call {@link #flush()} after each request.
 */
final class WireOutput implements AutoCloseable {
  static final int BUFFER = 64 * 1024;
  private static final byte[] ZEROS = new byte[8];

  private final OutputStream out;
  private final byte[] scratch = new byte[8];

  WireOutput(OutputStream out) {
    this.out = new BufferedOutputStream(out, BUFFER);
  }

  WireOutput writeLong(long value) throws IOException {
    for (int i = 0; i < 8; i++) {
      scratch[i] = (byte) (value >>> (8 * i));
    }
    out.write(scratch);
    return this;
  }

  WireOutput writeBool(boolean value) throws IOException {
    return writeLong(value ? 1 : 0);
  }

  WireOutput writeString(String value) throws IOException {
    return writeBytes(value.getBytes(StandardCharsets.UTF_8));
  }

  WireOutput writeBytes(byte[] value) throws IOException {
    writeLong(value.length);
    out.write(value);
    return pad(value.length);
  }

  WireOutput writeStrings(Collection<?> values) throws IOException {
    writeLong(values.size());
    for (Object v : values) {
      writeString(v.toString());
    }
    return this;
  }

  /** Raw bytes with neither length nor padding, as in a NAR that follows a request. */
  WireOutput writeRaw(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    return this;
  }

  private WireOutput pad(long length) throws IOException {
    int rest = (int) (length % 8);
    if (rest != 0) {
      out.write(ZEROS, 0, 8 - rest);
    }
    return this;
  }

  void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
