package io.roomcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Compares two class histograms ({@code jcmd PID GC.class_histogram}, taken without and with N connections) and prints
 * the live heap per connection, with the classes that make it up.
 */
public final class HeapReport {
  private HeapReport() {}

  public static void main(String[] args) throws IOException {
    Map<String, long[]> before = read(Path.of(args[0]));
    Map<String, long[]> after = read(Path.of(args[1]));
    int conns = Integer.parseInt(args[2]);
    Map<String, long[]> diff = new HashMap<>();
    long total = 0;
    for (var e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
      diff.put(e.getKey(), d);
      total += d[1];
    }
    for (var e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        total -= e.getValue()[1];
      }
    }
    System.out.printf(Locale.ROOT, "%nlive heap per connection: %.0f bytes (%.1f KiB) over %d connections%n%n",
        total / (double) conns, total / 1024.0 / conns, conns);
    System.out.println("| class | instances per connection | bytes per connection |");
    System.out.println("|---|---|---|");
    diff.entrySet().stream().filter(e -> e.getValue()[1] > 0)
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(30)
        .forEach(e -> System.out.printf(Locale.ROOT, "| `%s` | %.2f | %.0f |%n", e.getKey(),
            e.getValue()[0] / (double) conns, e.getValue()[1] / (double) conns));
    System.out.print(Goals.heap(total / (double) conns));
  }

  /** class name -> {instances, bytes} */
  private static Map<String, long[]> read(Path histogram) throws IOException {
    Map<String, long[]> out = new HashMap<>();
    for (String line : Files.readAllLines(histogram)) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        out.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      }
    }
    return out;
  }
}
