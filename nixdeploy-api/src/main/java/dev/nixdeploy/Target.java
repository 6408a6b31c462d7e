package dev.nixdeploy;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where to deploy: an SSH destination as {@code ssh} understands it, checked so that nothing in it can be
 * mistaken for a shell word or an {@code ssh} option.
 *
 * <p>Accepted forms: {@code host}, {@code user@host}, {@code user@host:port}, {@code ssh://user@host:port}
 * and IPv6 literals in brackets ({@code [::1]:2222}, {@code user@[::1]:2222}). The host may be an OpenSSH
 * {@code Host} alias (e.g. {@code web-1}) that is resolved later through the ssh client configuration; a
 * user or port given here wins over the configuration.
 *
 * <pre>{@code
 * Target t = Target.parse("deploy@web-1:2222");
 * t.user();     // Optional[deploy]
 * t.host();     // web-1
 * t.port();     // OptionalInt[2222]
 * t.toString(); // deploy@web-1:2222
 * }</pre>
 */
public final class Target {
  private static final String SCHEME = "ssh://";
  private static final int MAX_HOST_LENGTH = 253;
  private static final int MAX_USER_LENGTH = 256;

  private final Optional<String> user;
  private final String host;
  private final OptionalInt port;

  private Target(Optional<String> user, String host, OptionalInt port) {
    this.user = user;
    this.host = host;
    this.port = port;
  }

  /**
   * Parses a destination.
   *
   * @param destination e.g. {@code deploy@web-1}, {@code root@10.0.0.5:2222} or {@code ssh://[::1]:2222}
   * @return the target
   * @throws IllegalArgumentException naming what is wrong if the destination is empty, malformed or holds a
   *     character that has no place in a user or host name (white space, quotes, {@code ;}, {@code $},
   *     back quotes, control characters, ...), if a user or host starts with {@code -}, or if the port is
   *     not a number from 1 to 65535
   */
  public static Target parse(String destination) {
    Objects.requireNonNull(destination, "destination");
    if (destination.isEmpty()) {
      throw invalid(destination, "it is empty; expected host, user@host or user@host:port");
    }
    checkCharacters(destination);
    String rest = destination;
    if (rest.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      rest = rest.substring(SCHEME.length());
      if (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1);
      }
      if (rest.indexOf('/') >= 0) {
        throw invalid(destination, "an ssh:// destination cannot have a path");
      }
    } else if (rest.indexOf('/') >= 0) {
      throw invalid(destination, "'/' is not allowed (expected host, user@host or ssh://user@host:port)");
    }

    Optional<String> user = Optional.empty();
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      if (rest.indexOf('@') != at) {
        throw invalid(destination, "it has more than one '@'");
      }
      user = Optional.of(checkUser(destination, rest.substring(0, at)));
      rest = rest.substring(at + 1);
    }

    String host;
    OptionalInt port = OptionalInt.empty();
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw invalid(destination, "'[' opens an IPv6 address that no ']' closes");
      }
      host = checkIpv6(destination, rest.substring(1, close));
      String after = rest.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw invalid(destination, "only ':port' may follow ']'");
        }
        port = OptionalInt.of(checkPort(destination, after.substring(1)));
      }
    } else {
      int colon = rest.indexOf(':');
      if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) {
        throw invalid(destination, "an IPv6 address must be written in brackets, e.g. [::1]:22");
      }
      if (colon >= 0) {
        port = OptionalInt.of(checkPort(destination, rest.substring(colon + 1)));
        rest = rest.substring(0, colon);
      }
      host = checkHostName(destination, rest);
    }
    return new Target(user, host, port);
  }

  private static void checkCharacters(String destination) {
    for (int i = 0; i < destination.length(); i++) {
      char c = destination.charAt(i);
      String problem = null;
      if (c == '\n' || c == '\r') {
        problem = "a line break";
      } else if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        problem = "white space";
      } else if (Character.isISOControl(c)) {
        problem = "a control character";
      } else if (c == ';') {
        problem = "';'";
      } else if (c == '$') {
        problem = "'$' (shell expansion)";
      } else if (c == '`') {
        problem = "a back quote (shell command substitution)";
      } else if (c == '\'' || c == '"') {
        problem = "a quote";
      } else if (c == '\\') {
        problem = "a backslash";
      } else if ("|&<>(){}*?!#~^,=+".indexOf(c) >= 0) {
        problem = "'" + c + "'";
      }
      if (problem != null) {
        throw invalid(destination, "it contains " + problem + ", which has no place in a user or host name");
      }
    }
  }

  private static String checkUser(String destination, String user) {
    if (user.isEmpty()) {
      throw invalid(destination, "the user before '@' is empty");
    }
    if (user.startsWith("-")) {
      throw invalid(destination, "the user must not start with '-' (it would be read as an ssh option)");
    }
    if (user.length() > MAX_USER_LENGTH) {
      throw invalid(destination, "the user is longer than " + MAX_USER_LENGTH + " characters");
    }
    checkAllowed(destination, user, "user", "A-Z a-z 0-9 . _ -");
    return user;
  }

  private static String checkHostName(String destination, String host) {
    if (host.isEmpty()) {
      throw invalid(destination, "the host is empty");
    }
    if (host.startsWith("-")) {
      throw invalid(destination, "the host must not start with '-' (it would be read as an ssh option)");
    }
    if (host.length() > MAX_HOST_LENGTH) {
      throw invalid(destination, "the host is longer than " + MAX_HOST_LENGTH + " characters");
    }
    checkAllowed(destination, host, "host", "A-Z a-z 0-9 . _ -");
    return host;
  }

  private static void checkAllowed(String destination, String part, String what, String allowed) {
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        throw invalid(destination, "the " + what + " contains '" + c + "'; allowed are " + allowed);
      }
    }
  }

  private static String checkIpv6(String destination, String address) {
    if (address.isEmpty()) {
      throw invalid(destination, "the IPv6 address in brackets is empty");
    }
    int percent = address.indexOf('%');
    String literal = percent >= 0 ? address.substring(0, percent) : address;
    if (literal.indexOf(':') < 0) {
      throw invalid(destination, "brackets are only for IPv6 addresses, and '" + literal + "' is not one");
    }
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      boolean ok = Character.digit(c, 16) >= 0 || c == ':' || c == '.';
      if (!ok) {
        throw invalid(destination, "the IPv6 address contains '" + c + "'");
      }
    }
    if (percent >= 0) {
      String zone = address.substring(percent + 1);
      if (zone.isEmpty()) {
        throw invalid(destination, "the IPv6 zone after '%' is empty");
      }
      checkAllowed(destination, zone, "IPv6 zone", "A-Z a-z 0-9 . _ -");
    }
    return address;
  }

  private static int checkPort(String destination, String port) {
    if (port.isEmpty()) {
      throw invalid(destination, "the port after ':' is empty");
    }
    for (int i = 0; i < port.length(); i++) {
      char c = port.charAt(i);
      if (c < '0' || c > '9') {
        throw invalid(destination, "the port '" + port + "' is not a number");
      }
    }
    if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      throw invalid(destination, "the port " + port + " is out of range (1 to 65535)");
    }
    return Integer.parseInt(port);
  }

  private static IllegalArgumentException invalid(String destination, String problem) {
    return new IllegalArgumentException("Invalid target \"" + printable(destination) + "\": " + problem);
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return s.length() > 100 ? b + "…" : b.toString();
  }

  /** @return the user to log in as, if the target names one; otherwise the ssh configuration decides */
  public Optional<String> user() {
    return user;
  }

  /**
   * @return the host name, address or ssh configuration alias, without brackets (an IPv6 address is
   *     returned as e.g. {@code ::1})
   */
  public String host() {
    return host;
  }

  /** @return the port, if the target names one; otherwise the ssh configuration decides (default 22) */
  public OptionalInt port() {
    return port;
  }

  /** @return true if the host is an IPv6 literal */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Target other && user.equals(other.user) && host.equals(other.host)
        && port.equals(other.port);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, host, port);
  }

  /**
   * @return the canonical form, which {@link #parse(String)} reads back to an equal target: {@code
   *     [user@]host[:port]}, an IPv6 host in brackets
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    user.ifPresent(u -> b.append(u).append('@'));
    b.append(isIpv6() ? "[" + host + "]" : host);
    port.ifPresent(p -> b.append(':').append(p));
    return b.toString();
  }
}
