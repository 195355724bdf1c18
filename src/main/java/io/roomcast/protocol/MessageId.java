package io.roomcast.protocol;

/**
 * A message id as the server issues it: {@code <epoch-ms>-<sequence>}, the shape of a Redis stream id, so ids from the
 * memory broker and from Redis compare the same way. Clients treat ids as opaque strings.
 */
public record MessageId(long millis, long seq) implements Comparable<MessageId> {

  /** Parses a well-formed id; returns null for anything else. */
  public static MessageId parse(String s) {
    if (s == null) {
      return null;
    }
    int dash = s.indexOf('-');
    if (dash <= 0 || dash == s.length() - 1 || s.length() > 41) {
      return null;
    }
    try {
      long ms = Long.parseLong(s, 0, dash, 10);
      long seq = Long.parseLong(s, dash + 1, s.length(), 10);
      return ms < 0 || seq < 0 ? null : new MessageId(ms, seq);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The id that follows {@code last} for a message stored at {@code now} (strictly increasing, like XADD *). */
  public static MessageId next(MessageId last, long now) {
    if (last == null || now > last.millis) {
      return new MessageId(now, 0);
    }
    return new MessageId(last.millis, last.seq + 1);
  }

  /** Whether this is 0-0, the id before every message. */
  public boolean isZero() {
    return millis == 0 && seq == 0;
  }

  @Override
  public int compareTo(MessageId o) {
    int c = Long.compare(millis, o.millis);
    return c != 0 ? c : Long.compare(seq, o.seq);
  }

  @Override
  public String toString() {
    return millis + "-" + seq;
  }
}
