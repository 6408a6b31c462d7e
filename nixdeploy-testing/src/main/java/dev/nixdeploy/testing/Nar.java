package dev.nixdeploy.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Nix archives (NAR), the serialisation of a file tree that store paths are copied and hashed as: written
 * for the paths tests add, read back to learn what a received path holds (its executable files).
 */
final class Nar {
  private static final String MAGIC = "nix-archive-1";

  private Nar() {}

  /** A file tree: a regular file, or a directory of named trees. */
  sealed interface Node permits File, Directory {}

  record File(byte[] contents, boolean executable) implements Node {}

  record Directory(Map<String, Node> entries) implements Node {
    Directory {
      entries = new TreeMap<>(entries);
    }
  }

  static byte[] write(Node root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Wire.writeString(out, MAGIC);
      write(out, root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Node node) throws IOException {
    Wire.writeString(out, "(");
    Wire.writeString(out, "type");
    if (node instanceof File f) {
      Wire.writeString(out, "regular");
      if (f.executable()) {
        Wire.writeString(out, "executable");
        Wire.writeString(out, "");
      }
      Wire.writeString(out, "contents");
      Wire.writeBytes(out, f.contents());
    } else {
      Wire.writeString(out, "directory");
      for (Map.Entry<String, Node> e : ((Directory) node).entries().entrySet()) {
        Wire.writeString(out, "entry");
        Wire.writeString(out, "(");
        Wire.writeString(out, "name");
        Wire.writeString(out, e.getKey());
        Wire.writeString(out, "node");
        write(out, e.getValue());
        Wire.writeString(out, ")");
      }
    }
    Wire.writeString(out, ")");
  }

  /**
   * @param nar a NAR
   * @return the paths of its executable regular files relative to its root, e.g. {@code
   *     bin/switch-to-configuration} (the empty string if the root itself is one)
   * @throws IllegalArgumentException if it is not a well-formed NAR
   */
  static Set<String> executables(byte[] nar) {
    Set<String> found = new HashSet<>();
    try (InputStream in = new ByteArrayInputStream(nar)) {
      expect(in, MAGIC);
      read(in, "", found, 0);
      if (in.available() > 0) {
        throw new IllegalArgumentException("not a NAR: bytes after the root");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a NAR: " + e.getMessage(), e);
    }
    return found;
  }

  private static void read(InputStream in, String path, Set<String> executables, int depth)
      throws IOException {
    if (depth > 64) {
      throw new IOException("nested too deeply");
    }
    expect(in, "(");
    expect(in, "type");
    String type = Wire.readString(in);
    switch (type) {
      case "regular" -> {
        String next = Wire.readString(in);
        if (next.equals("executable")) {
          expect(in, "");
          executables.add(path);
          next = Wire.readString(in);
        }
        if (!next.equals("contents")) {
          throw new IOException("expected contents, got " + next);
        }
        long length = Wire.readLong(in);
        if (length < 0 || length > in.available()) {
          throw new IOException("contents longer than the NAR");
        }
        in.skipNBytes(length + Wire.padding(length));
        expect(in, ")");
      }
      case "symlink" -> {
        expect(in, "target");
        Wire.readString(in);
        expect(in, ")");
      }
      case "directory" -> {
        while (true) {
          String next = Wire.readString(in);
          if (next.equals(")")) {
            return;
          }
          if (!next.equals("entry")) {
            throw new IOException("expected entry, got " + next);
          }
          expect(in, "(");
          expect(in, "name");
          String name = Wire.readString(in);
          if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            throw new IOException("bad entry name " + name);
          }
          expect(in, "node");
          read(in, path.isEmpty() ? name : path + "/" + name, executables, depth + 1);
          expect(in, ")");
        }
      }
      default -> throw new IOException("unknown node type " + type);
    }
  }

  private static void expect(InputStream in, String token) throws IOException {
    String got = Wire.readString(in);
    if (!got.equals(token)) {
      throw new IOException("expected '" + token + "', got '" + got + "'");
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
