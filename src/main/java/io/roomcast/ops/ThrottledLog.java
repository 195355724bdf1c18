package io.roomcast.ops;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One log line per interval for a kind of event that a client can repeat at will (refused upgrades, refused API
 * calls): the first line of an interval is written, the rest are counted and the count is added to the next line
 * written. Thread-safe, so a node's gateway instances can share one.
 */
public final class ThrottledLog {
  /** The longest text of a client-chosen value (an Origin, a path) that a log line quotes. */
  public static final int MAX_VALUE_CHARS = 80;

  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
  private final AtomicInteger suppressed = new AtomicInteger();

  public ThrottledLog(Logger log, long intervalMillis) {
    this.log = log;
    this.intervalNanos = intervalMillis * 1_000_000L;
  }

  /** Logs at INFO unless a line was written within the interval. */
  public void info(String format, Object... args) {
    if (!log.isInfoEnabled()) {
      return;
    }
    long now = System.nanoTime();
    long next = nextNanos.get();
    if ((next != Long.MIN_VALUE && now - next < 0) || !nextNanos.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    int skipped = suppressed.getAndSet(0);
    String line = org.slf4j.helpers.MessageFormatter.arrayFormat(format, args).getMessage();
    log.info(skipped == 0 ? line : line + " (" + skipped + " more like it not logged)");
  }

  /**
   * A client-chosen value fit for a log line: at most {@link #MAX_VALUE_CHARS} characters, anything but printable
   * ASCII replaced by '?', and its full length noted when it was cut.
   */
  public static String clip(String value) {
    if (value == null) {
      return "(none)";
    }
    int n = Math.min(value.length(), MAX_VALUE_CHARS);
    StringBuilder sb = new StringBuilder(n + 24);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (value.length() > MAX_VALUE_CHARS) {
      sb.append("...(").append(value.length()).append(" chars)");
    }
    return sb.toString();
  }
}
