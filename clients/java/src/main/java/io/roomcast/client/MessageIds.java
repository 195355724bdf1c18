package io.roomcast.client;

/** Compares message ids ({@code <ms>-<seq>}, as the server writes them): a room's ids increase in its order. */
final class MessageIds {
  private MessageIds() {}

  /**
   * Negative, zero or positive as {@code a} is older than, the same as or newer than {@code b}; ids of another shape
   * compare as unknown (0 only when equal, else {@link Integer#MIN_VALUE}).
   */
  static int compare(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    long[] x = parse(a);
    long[] y = parse(b);
    if (x == null || y == null) {
      return Integer.MIN_VALUE;
    }
    int c = Long.compare(x[0], y[0]);
    return c != 0 ? c : Long.compare(x[1], y[1]);
  }

  private static long[] parse(String id) {
    int dash = id.indexOf('-');
    if (dash <= 0 || dash == id.length() - 1) {
      return null;
    }
    try {
      return new long[] {Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1))};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
