package dev.nixdeploy.cli;

import dev.nixdeploy.Closure;
import dev.nixdeploy.StorePath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The difference between two closures by package, as nvd shows it: the store paths' names split into a
 * package name and a version the way Nix's {@code parseDrvName} does (the version starts at the first
 * {@code -} followed by a digit), then packages added, removed, and changed with their old and new
 * versions, and the change in closure size. Paths rebuilt with the same name and version are counted,
 * not listed.
 *
 * @param before the closure the host has now, if it has one to compare with
 * @param after the closure deployed
 */
record PackageDiff(Optional<Closure> before, Closure after) {

  /** A package in one closure: its name and every version of it there ({@code ""} for no version). */
  record Package(String name, SortedSet<String> versions) {}

  /** A package in both closures with other versions. */
  record Change(String name, SortedSet<String> before, SortedSet<String> after) {}

  static PackageDiff of(Optional<Closure> before, Closure after) {
    return new PackageDiff(before, after);
  }

  /** @return {@code [name, version]} of a store path's name, the version empty if it has none */
  static String[] nameAndVersion(StorePath path) {
    String name = path.name();
    for (int i = 0; i + 1 < name.length(); i++) {
      if (name.charAt(i) == '-' && Character.isDigit(name.charAt(i + 1))) {
        return new String[] {name.substring(0, i), name.substring(i + 1)};
      }
    }
    return new String[] {name, ""};
  }

  private static SortedMap<String, SortedSet<String>> packages(Optional<Closure> closure) {
    SortedMap<String, SortedSet<String>> packages = new TreeMap<>();
    closure.ifPresent(c -> c.paths().forEach(p -> {
      String[] nv = nameAndVersion(p);
      packages.computeIfAbsent(nv[0], k -> new TreeSet<>()).add(nv[1]);
    }));
    return packages;
  }

  List<Package> added() {
    return only(packages(Optional.of(after)), packages(before));
  }

  List<Package> removed() {
    return only(packages(before), packages(Optional.of(after)));
  }

  private static List<Package> only(SortedMap<String, SortedSet<String>> in, Map<String, ?> notIn) {
    List<Package> result = new ArrayList<>();
    in.forEach((name, versions) -> {
      if (!notIn.containsKey(name)) {
        result.add(new Package(name, versions));
      }
    });
    return result;
  }

  List<Change> changed() {
    SortedMap<String, SortedSet<String>> old = packages(before);
    List<Change> result = new ArrayList<>();
    packages(Optional.of(after)).forEach((name, versions) -> {
      SortedSet<String> was = old.get(name);
      if (was != null && !was.equals(versions)) {
        result.add(new Change(name, was, versions));
      }
    });
    return result;
  }

  /** @return paths whose name and version both closures have, yet with another store path */
  int rebuilt() {
    TreeSet<String> oldNames = new TreeSet<>();
    TreeSet<StorePath> oldPaths = new TreeSet<>();
    before.ifPresent(c -> c.paths().forEach(p -> {
      oldNames.add(p.name());
      oldPaths.add(p);
    }));
    return (int) after.paths().stream().filter(p -> oldNames.contains(p.name()) && !oldPaths.contains(p))
        .count();
  }

  long sizeBefore() {
    return before.map(Closure::totalNarSize).orElse(0L);
  }

  long sizeAfter() {
    return after.totalNarSize();
  }

  /** @return the lines {@code --diff} prints, indented by two spaces */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    added().forEach(p -> lines.add("  [A] " + p.name() + versions(p.versions())));
    removed().forEach(p -> lines.add("  [R] " + p.name() + versions(p.versions())));
    changed().forEach(c -> lines.add("  [C] " + c.name() + versions(c.before()) + " ->"
        + versions(c.after())));
    if (lines.isEmpty()) {
      lines.add("  no package added, removed or changed in version");
    }
    int rebuilt = rebuilt();
    if (rebuilt > 0) {
      lines.add("  " + rebuilt + " path" + (rebuilt == 1 ? "" : "s") + " rebuilt with the same version");
    }
    long change = sizeAfter() - sizeBefore();
    lines.add("  closure size: " + ConsoleProgress.bytes(sizeBefore()) + " -> " + ConsoleProgress.bytes(sizeAfter())
        + " (" + (change < 0 ? "-" : "+") + ConsoleProgress.bytes(Math.abs(change)) + "); "
        + before.map(Closure::size).orElse(0) + " -> " + after.size() + " paths");
    return lines;
  }

  private static String versions(SortedSet<String> versions) {
    List<String> shown = versions.stream().map(v -> v.isEmpty() ? "(no version)" : v).toList();
    return " " + String.join(", ", shown);
  }

  /** @return the {@code diff} member of the {@code --json} document */
  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("before", before.map(c -> c.roots().first().path()));
    m.put("after", after.roots().first().path());
    m.put("added", added().stream().map(p -> packageJson(p.name(), p.versions())).toList());
    m.put("removed", removed().stream().map(p -> packageJson(p.name(), p.versions())).toList());
    m.put("changed", changed().stream().map(c -> {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", c.name());
      e.put("before", List.copyOf(c.before()));
      e.put("after", List.copyOf(c.after()));
      return e;
    }).toList());
    m.put("rebuilt", rebuilt());
    m.put("pathsBefore", before.map(Closure::size).orElse(0));
    m.put("pathsAfter", after.size());
    m.put("bytesBefore", sizeBefore());
    m.put("bytesAfter", sizeAfter());
    m.put("bytesChange", sizeAfter() - sizeBefore());
    return m;
  }

  private static Map<String, Object> packageJson(String name, SortedSet<String> versions) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", name);
    e.put("versions", List.copyOf(versions));
    return e;
  }
}
