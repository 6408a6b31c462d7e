package dev.nixdeploy;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What a Nix store knows about one valid path: its NAR hash and size, the paths it references, the
 * derivation that built it, and the signatures it carries. Immutable; {@link #withSignature} gives a
 * copy with one more signature.
 *
 * <pre>{@code
 * PathInfo info = PathInfo.builder(path)
 *     .narHash(NarHash.parse("sha256:0rmy…"))
 *     .narSize(224)
 *     .references(List.of(libA, libB))
 *     .build();
 * info.fingerprint(); // "1;/nix/store/…-app;sha256:0rmy…;224;/nix/store/…-lib-a,/nix/store/…-lib-b"
 * }</pre>
 */
public final class PathInfo {
  private final StorePath path;
  private final @Nullable StorePath deriver;
  private final NarHash narHash;
  private final long narSize;
  private final SortedSet<StorePath> references;
  private final Set<Signature> signatures;
  private final @Nullable String contentAddress;

  private PathInfo(Builder b) {
    this.path = Objects.requireNonNull(b.path, "path");
    this.deriver = b.deriver;
    this.narHash = Objects.requireNonNull(b.narHash, "narHash of " + b.path);
    if (b.narSize <= 0) {
      throw new IllegalArgumentException("narSize of " + b.path + " must be positive, not " + b.narSize);
    }
    this.narSize = b.narSize;
    this.references = Collections.unmodifiableSortedSet(new TreeSet<>(b.references));
    this.signatures = Collections.unmodifiableSet(new LinkedHashSet<>(b.signatures));
    this.contentAddress = b.contentAddress == null || b.contentAddress.isEmpty() ? null : b.contentAddress;
  }

  /**
   * @param path the store path described
   * @return a builder; {@link Builder#narHash} and {@link Builder#narSize} are required
   */
  public static Builder builder(StorePath path) {
    return new Builder(path);
  }

  /** @return a builder holding every field of this info */
  public Builder newBuilder() {
    Builder b = new Builder(path);
    b.deriver = deriver;
    b.narHash = narHash;
    b.narSize = narSize;
    b.references.addAll(references);
    b.signatures.addAll(signatures);
    b.contentAddress = contentAddress;
    return b;
  }

  /** @return the store path described */
  public StorePath path() {
    return path;
  }

  /** @return the derivation that built the path, if the store knows it */
  public Optional<StorePath> deriver() {
    return Optional.ofNullable(deriver);
  }

  /** @return the SHA-256 hash of the path's NAR serialisation */
  public NarHash narHash() {
    return narHash;
  }

  /** @return the size in bytes of the path's NAR serialisation, always positive */
  public long narSize() {
    return narSize;
  }

  /** @return the paths this path references (possibly itself), sorted byte-wise */
  public SortedSet<StorePath> references() {
    return references;
  }

  /** @return the references other than the path itself, sorted */
  public SortedSet<StorePath> referencesExceptSelf() {
    SortedSet<StorePath> others = new TreeSet<>(references);
    others.remove(path);
    return Collections.unmodifiableSortedSet(others);
  }

  /** @return the signatures the path carries, in the order the store listed them */
  public Set<Signature> signatures() {
    return signatures;
  }

  /** @return the content address ({@code fixed:…} or {@code text:…}) if the path is content-addressed */
  public Optional<String> contentAddress() {
    return Optional.ofNullable(contentAddress);
  }

  /**
   * @param signature a signature to add
   * @return a copy of this info that also carries {@code signature} (this info if it already does)
   */
  public PathInfo withSignature(Signature signature) {
    if (signatures.contains(signature)) {
      return this;
    }
    return newBuilder().addSignature(signature).build();
  }

  /**
   * The text Nix signs and verifies for this path, exactly as {@code ValidPathInfo::fingerprint} builds
   * it: {@code 1;PATH;sha256:NIXBASE32;NARSIZE;REF1,REF2,…} with references sorted byte-wise.
   *
   * @return the fingerprint
   */
  public String fingerprint() {
    return "1;" + path + ";" + narHash + ";" + narSize + ";"
        + references.stream().map(StorePath::path).collect(Collectors.joining(","));
  }

  /** @return the UTF-8 bytes of {@link #fingerprint()}, what a signature covers */
  public byte[] fingerprintBytes() {
    return fingerprint().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathInfo other
        && path.equals(other.path)
        && Objects.equals(deriver, other.deriver)
        && narHash.equals(other.narHash)
        && narSize == other.narSize
        && references.equals(other.references)
        && signatures.equals(other.signatures)
        && Objects.equals(contentAddress, other.contentAddress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, narHash, narSize);
  }

  @Override
  public String toString() {
    return "PathInfo{" + path + ", " + narHash + ", narSize=" + narSize + ", references="
        + references.size() + ", signatures=" + signatures.stream().map(Signature::keyName).toList() + "}";
  }

  /** Collects the fields of a {@link PathInfo}. Not thread-safe. */
  public static final class Builder {
    private final StorePath path;
    private @Nullable StorePath deriver;
    private @Nullable NarHash narHash;
    private long narSize;
    private final Set<StorePath> references = new TreeSet<>();
    private final Set<Signature> signatures = new LinkedHashSet<>();
    private @Nullable String contentAddress;

    private Builder(StorePath path) {
      this.path = Objects.requireNonNull(path, "path");
    }

    /** @return this */
    public Builder deriver(@Nullable StorePath deriver) {
      this.deriver = deriver;
      return this;
    }

    /** @return this */
    public Builder narHash(NarHash narHash) {
      this.narHash = Objects.requireNonNull(narHash, "narHash");
      return this;
    }

    /** @return this */
    public Builder narSize(long narSize) {
      this.narSize = narSize;
      return this;
    }

    /** Replaces the references. @return this */
    public Builder references(Collection<StorePath> references) {
      this.references.clear();
      this.references.addAll(references);
      return this;
    }

    /** Replaces the signatures. @return this */
    public Builder signatures(Collection<Signature> signatures) {
      this.signatures.clear();
      this.signatures.addAll(signatures);
      return this;
    }

    /** @return this */
    public Builder addSignature(Signature signature) {
      this.signatures.add(Objects.requireNonNull(signature, "signature"));
      return this;
    }

    /** @param contentAddress {@code fixed:…}/{@code text:…}, or null or empty for none. @return this */
    public Builder contentAddress(@Nullable String contentAddress) {
      this.contentAddress = contentAddress;
      return this;
    }

    /**
     * @return the info
     * @throws NullPointerException if the NAR hash is missing
     * @throws IllegalArgumentException if the NAR size is not positive
     */
    public PathInfo build() {
      return new PathInfo(this);
    }
  }
}
