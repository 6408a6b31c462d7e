package dev.nixdeploy.internal.serve;

import dev.nixdeploy.UnsupportedNixException;

/**
 * A version of the {@code nix-store --serve} protocol, {@code major.minor}, on the wire
 * {@code (major << 8) | minor}. Each side announces its own; both then speak the lower one (the server
 * adapts its answers to the client's version, the client to the server's), as Nix's own handshake does.
 *
 * <p>What this client uses (QueryValidPaths, QueryPathInfos, QueryClosure, DumpStorePath, AddToStoreNar)
 * is the same in every version from {@link #OLDEST} to {@link #NEWEST}: 2.5 (Nix 2.3) and 2.7 (Nix 2.4 to
 * 2.34, and Lix) differ only in build options, 2.8 (Nix 2.35) only in how build results name their
 * outputs, and this client builds nothing. A server newer than {@link #NEWEST} speaks {@link #NEWEST} to
 * it, as it must to every older client; one with another major version, or older than {@link #OLDEST},
 * is refused.
 *
 * @param major the major version, 2 for every Nix so far
 * @param minor the minor version
 */
record ServeVersion(int major, int minor) implements Comparable<ServeVersion> {
  /** Nix 2.3: the first with everything this client asks for. */
  static final ServeVersion OLDEST = new ServeVersion(2, 5);
  /** Nix 2.35, and what this client announces. */
  static final ServeVersion NEWEST = new ServeVersion(2, 8);

  /** @return the version announced as {@code wire} (only its lowest 16 bits count, as in Nix) */
  static ServeVersion fromWire(long wire) {
    return new ServeVersion((int) (wire >> 8) & 0xff, (int) wire & 0xff);
  }

  /** @return the wire form, {@code (major << 8) | minor} */
  long toWire() {
    return ((long) major << 8) | minor;
  }

  /**
   * The version both sides speak once a server announced {@code server}.
   *
   * @param host the server's host, for the message
   * @param server what the server announced
   * @return the lower of {@code server} and {@link #NEWEST}
   * @throws UnsupportedNixException if this client cannot speak with such a server, saying what it
   *     announced, what this client speaks and what to do
   */
  static ServeVersion negotiate(String host, ServeVersion server) {
    if (server.major != NEWEST.major) {
      throw new UnsupportedNixException(host, "Nix on " + host + " speaks nix-store --serve protocol "
          + server + ", which nix-deploy does not know: it speaks " + OLDEST + " to " + NEWEST
          + " (Nix 2.3 to 2.35, and Lix). Use a nix-deploy release that supports protocol " + server
          + ", or a Nix on " + host + " that speaks " + NEWEST + " or older.");
    }
    if (server.compareTo(OLDEST) < 0) {
      throw new UnsupportedNixException(host, "Nix on " + host + " is too old: it speaks nix-store --serve"
          + " protocol " + server + " and nix-deploy needs " + OLDEST + " to " + NEWEST
          + " (Nix 2.3 or later). Upgrade Nix on " + host + ".");
    }
    return server.compareTo(NEWEST) > 0 ? NEWEST : server;
  }

  @Override
  public int compareTo(ServeVersion other) {
    return Long.compare(toWire(), other.toWire());
  }

  /** @return {@code major.minor}, as Nix prints it */
  @Override
  public String toString() {
    return major + "." + minor;
  }
}
