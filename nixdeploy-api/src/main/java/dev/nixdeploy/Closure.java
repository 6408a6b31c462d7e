package dev.nixdeploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The closure of some store paths: the paths themselves and everything they reference, directly or not,
 * with each path's {@link PathInfo}. Paths are kept in dependency order (every path after all the paths it
 * references), the order in which a store can accept them; ties are broken byte-wise, so the order is the
 * same every time for the same closure.
 *
 * <pre>{@code
 * Closure c = Closure.of(List.of(app), infos);  // infos: the PathInfo of every path in the closure
 * c.paths();         // [lib-a, lib-b, app]: references first
 * c.totalNarSize();  // sum of the NAR sizes, what a full copy sends
 * }</pre>
 */
public final class Closure {
  private final SortedSet<StorePath> roots;
  private final Map<StorePath, PathInfo> infos;

  private Closure(SortedSet<StorePath> roots, Map<StorePath, PathInfo> ordered) {
    this.roots = roots;
    this.infos = ordered;
  }

  /**
   * @param roots the paths whose closure this is
   * @param infos the info of every path of the closure (in any order)
   * @return the closure, its paths in dependency order
   * @throws IllegalArgumentException if a root or a referenced path has no info, or the references form a
   *     cycle (Nix allows none beside a path referencing itself)
   */
  public static Closure of(Collection<StorePath> roots, Collection<PathInfo> infos) {
    Objects.requireNonNull(roots, "roots");
    Objects.requireNonNull(infos, "infos");
    Map<StorePath, PathInfo> byPath = new HashMap<>();
    for (PathInfo info : infos) {
      byPath.put(info.path(), info);
    }
    for (StorePath root : roots) {
      if (!byPath.containsKey(root)) {
        throw new IllegalArgumentException("The closure has no info for its root " + root);
      }
    }
    // Kahn's algorithm; the ready set is sorted so the order is deterministic.
    Map<StorePath, Integer> unmet = new HashMap<>();
    Map<StorePath, List<StorePath>> referrers = new HashMap<>();
    TreeSet<StorePath> ready = new TreeSet<>();
    for (PathInfo info : byPath.values()) {
      SortedSet<StorePath> refs = info.referencesExceptSelf();
      for (StorePath ref : refs) {
        if (!byPath.containsKey(ref)) {
          throw new IllegalArgumentException("The closure is incomplete: " + info.path()
              + " references " + ref + ", which has no info");
        }
        referrers.computeIfAbsent(ref, k -> new ArrayList<>()).add(info.path());
      }
      unmet.put(info.path(), refs.size());
      if (refs.isEmpty()) {
        ready.add(info.path());
      }
    }
    Map<StorePath, PathInfo> ordered = new LinkedHashMap<>();
    while (!ready.isEmpty()) {
      StorePath next = ready.pollFirst();
      ordered.put(next, byPath.get(next));
      for (StorePath referrer : referrers.getOrDefault(next, List.of())) {
        if (unmet.merge(referrer, -1, Integer::sum) == 0) {
          ready.add(referrer);
        }
      }
    }
    if (ordered.size() != byPath.size()) {
      StorePath stuck = byPath.keySet().stream().filter(p -> !ordered.containsKey(p)).sorted()
          .findFirst().orElseThrow();
      throw new IllegalArgumentException("The references form a cycle through " + stuck);
    }
    return new Closure(Collections.unmodifiableSortedSet(new TreeSet<>(roots)),
        Collections.unmodifiableMap(ordered));
  }

  /** @return the paths whose closure this is */
  public SortedSet<StorePath> roots() {
    return roots;
  }

  /** @return every path of the closure, each after all the paths it references */
  public List<StorePath> paths() {
    return List.copyOf(infos.keySet());
  }

  /** @return the info of every path, in the order of {@link #paths()} */
  public List<PathInfo> infos() {
    return List.copyOf(infos.values());
  }

  /**
   * @param path a store path
   * @return its info, if it belongs to this closure
   */
  public Optional<PathInfo> info(StorePath path) {
    return Optional.ofNullable(infos.get(path));
  }

  /** @return how many paths the closure holds */
  public int size() {
    return infos.size();
  }

  /** @return the sum of the NAR sizes of all paths, in bytes */
  public long totalNarSize() {
    return infos.values().stream().mapToLong(PathInfo::narSize).sum();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Closure other && roots.equals(other.roots)
        && List.copyOf(infos.values()).equals(List.copyOf(other.infos.values()));
  }

  @Override
  public int hashCode() {
    return Objects.hash(roots, infos.keySet());
  }

  @Override
  public String toString() {
    return "Closure{roots=" + roots + ", paths=" + size() + ", narBytes=" + totalNarSize() + "}";
  }
}
