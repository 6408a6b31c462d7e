package dev.nixdeploy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a closure copy did.
 *
 * @param sent the paths sent to the destination, in the order they were sent (empty when the destination
 *     already held the whole closure)
 * @param bytesSent the NAR bytes sent
 * @param alreadyPresent how many paths of the closure the destination already held (or fetched from its own
 *     substituters)
 * @param duration how long the copy took, closure computation included
 */
public record CopyResult(List<StorePath> sent, long bytesSent, int alreadyPresent, Duration duration) {
  /** Copies the list and checks the values. */
  public CopyResult {
    sent = List.copyOf(sent);
    Objects.requireNonNull(duration, "duration");
    if (bytesSent < 0 || alreadyPresent < 0) {
      throw new IllegalArgumentException("Counts must not be negative");
    }
  }

  /** @return how many paths were sent */
  public int pathsSent() {
    return sent.size();
  }
}
