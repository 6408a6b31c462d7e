package dev.nixdeploy.internal.serve;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Nix wire format (see {@link WireOutput}). Every length read from the peer is checked against a
 * bound before anything is allocated, so a broken or hostile peer cannot make us allocate gigabytes.
 */
final class WireInput implements AutoCloseable {
  /** Longest string accepted by default: far above any store path, hash, signature or content address. */
  static final int MAX_STRING = 64 * 1024;
  /** Most strings accepted in one list: above any real closure. */
  static final long MAX_LIST = 10_000_000;
  /** Most bytes one list may take, strings and their lengths together. */
  static final long MAX_LIST_BYTES = 256L << 20;

  private final InputStream in;
  private final byte[] scratch = new byte[8];

  WireInput(InputStream in) {
    this.in = new BufferedInputStream(in, WireOutput.BUFFER);
  }

  long readLong() throws IOException {
    readFully(scratch, 0, 8);
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (scratch[i] & 0xff);
    }
    return value;
  }

  boolean readBool() throws IOException {
    long v = readLong();
    if (v != 0 && v != 1) {
      throw new ProtocolException("expected 0 or 1, got " + Long.toUnsignedString(v));
    }
    return v == 1;
  }

  String readString() throws IOException {
    return readString(MAX_STRING);
  }

  String readString(int maxLength) throws IOException {
    long length = readLong();
    if (length < 0 || length > maxLength) {
      throw new ProtocolException("a string of " + Long.toUnsignedString(length)
          + " bytes exceeds the limit of " + maxLength);
    }
    byte[] bytes = new byte[(int) length];
    readFully(bytes, 0, bytes.length);
    int rest = (int) (length % 8);
    if (rest != 0) {
      readFully(scratch, 0, 8 - rest);
      for (int i = 0; i < 8 - rest; i++) {
        if (scratch[i] != 0) {
          throw new ProtocolException("non-zero padding after a string");
        }
      }
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  List<String> readStrings() throws IOException {
    return readStrings(MAX_LIST, MAX_STRING);
  }

  /**
   * @param maxCount most strings accepted
   * @param maxLength longest string accepted
   * @return the list; refused past {@code maxCount} strings or {@link #MAX_LIST_BYTES} bytes in all
   */
  List<String> readStrings(long maxCount, int maxLength) throws IOException {
    long count = readLong();
    if (count < 0 || count > maxCount) {
      throw new ProtocolException("a list of " + Long.toUnsignedString(count)
          + " strings exceeds the limit of " + maxCount);
    }
    // Grows as strings actually arrive: a large count alone allocates nothing.
    List<String> out = new ArrayList<>((int) Math.min(count, 1024));
    long bytes = 0;
    for (long i = 0; i < count; i++) {
      String s = readString(maxLength);
      bytes += s.length() + 8;
      if (bytes > MAX_LIST_BYTES) {
        throw new ProtocolException("a list of strings exceeds the limit of " + (MAX_LIST_BYTES >> 20) + " MiB");
      }
      out.add(s);
    }
    return out;
  }

  /** Reads up to {@code length} raw bytes, returning how many (at least 1), or throws at end of stream. */
  int readSome(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      throw new EOFException("the stream ended early");
    }
    return n;
  }

  /** @return how many bytes can be read without blocking, as far as the stream can tell */
  int available() throws IOException {
    return in.available();
  }

  void readFully(byte[] buffer, int offset, int length) throws IOException {
    int done = 0;
    while (done < length) {
      done += readSome(buffer, offset + done, length - done);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** The peer sent something the protocol does not allow. */
  static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super("protocol error: " + message);
    }
  }
}
