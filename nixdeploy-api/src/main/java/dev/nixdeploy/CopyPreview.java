package dev.nixdeploy;

import java.util.List;
import java.util.Objects;

/**
 * What a copy would send, worked out without sending or changing anything: the closure on the sending
 * side and the paths of it that the receiving store lacks. A {@code --dry-run} prints it.
 *
 * <pre>{@code
 * try (DeploymentSession web = deployer.deployTo("deploy@web-1").open()) {
 *   CopyPreview p = web.previewCopy(List.of(app));
 *   System.out.println(p.missing().size() + " paths, " + p.missingBytes() + " bytes to send");
 * }
 * }</pre>
 *
 * @param host the receiving host, as in events ({@code local} for {@link Direction#FROM})
 * @param closure the closure of the roots in the sending store
 * @param missing the paths of the closure the receiving store lacks, in the order a copy sends them
 */
public record CopyPreview(String host, Closure closure, List<PathInfo> missing) {
  /** Checks that no component is null and copies the list. */
  public CopyPreview {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(closure, "closure");
    missing = List.copyOf(missing);
  }

  /** @return the NAR bytes a copy would send */
  public long missingBytes() {
    return missing.stream().mapToLong(PathInfo::narSize).sum();
  }

  /** @return how many paths of the closure the receiving store has already */
  public int alreadyPresent() {
    return closure.size() - missing.size();
  }
}
