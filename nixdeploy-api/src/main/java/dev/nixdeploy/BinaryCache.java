package dev.nixdeploy;

import java.util.Objects;

/**
 * A Nix binary cache that a fleet deployment fills once and every host substitutes from in parallel,
 * for fleets larger than one deployer's uplink can feed. The closure is written with Nix itself
 * ({@code nix copy --to STORE-URL}, so any store Nix can write is a target: a directory, {@code s3://},
 * {@code ssh://}), every narinfo signed with the deployer's signing key; each host is made to trust that
 * key and the cache as a substituter ({@code extra-trusted-substituters}, which lets deploy users outside
 * {@code trusted-users} use it), then substitutes the closure; only the activation goes over SSH.
 *
 * <pre>{@code
 * // Written as a directory that a web server on cache.example.org serves:
 * BinaryCache.at("https://cache.example.org").uploadTo("file:///srv/nix-cache");
 * // Written and read at the same address:
 * BinaryCache.at("s3://nix-cache?region=eu-west-1");
 * }</pre>
 *
 * @param url where hosts read the cache from (their substituter URL)
 * @param uploadUrl where this machine writes it, a Nix store URL; the same as {@code url} unless given
 */
public record BinaryCache(String url, String uploadUrl) {
  private static final int MAX_LENGTH = 1000;

  /**
   * Checks both URLs.
   *
   * @throws IllegalArgumentException if a URL is not {@code scheme://…}, is longer than 1000 characters,
   *     or holds whitespace, control characters or {@code #} (they would break a nix.conf line)
   */
  public BinaryCache {
    check("url", url);
    check("uploadUrl", uploadUrl);
  }

  /**
   * @param url where hosts read the cache from, e.g. {@code http://10.0.0.5:8080} or {@code s3://bucket}
   * @return a cache written and read at the same URL
   * @throws IllegalArgumentException if the URL is not allowed
   */
  public static BinaryCache at(String url) {
    return new BinaryCache(url, url);
  }

  /**
   * @param storeUrl where this machine writes the cache, a Nix store URL (e.g. {@code file:///srv/cache}
   *     for the directory a web server serves as {@link #url()})
   * @return a copy that writes there
   * @throws IllegalArgumentException if the URL is not allowed
   */
  public BinaryCache uploadTo(String storeUrl) {
    return new BinaryCache(url, storeUrl);
  }

  private static void check(String name, String value) {
    Objects.requireNonNull(value, name);
    int scheme = value.indexOf("://");
    if (scheme < 1 || !value.substring(0, scheme).matches("[a-zA-Z][a-zA-Z0-9+.-]*")
        || value.length() == scheme + 3) {
      throw new IllegalArgumentException(name + " must be a store URL such as https://cache.example.org,"
          + " file:///srv/nix-cache or s3://bucket; got: " + value);
    }
    if (value.length() > MAX_LENGTH || value.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '#')) {
      throw new IllegalArgumentException(name + " must be at most " + MAX_LENGTH + " characters without"
          + " whitespace, control characters or '#' (percent-encode them): " + value);
    }
  }
}
