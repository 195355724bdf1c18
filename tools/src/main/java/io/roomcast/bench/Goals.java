package io.roomcast.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The goals of the performance issue (docs/performance.md, "Against the goals"), judged from one {@code bench/run.sh}
 * run, so that the command that measures them also says whether they are met: one node at 1.5x the bare broadcast's
 * deliveries per CPU-second, two nodes + Redis at 1.0x with p99 under 10 ms (both at 25 k deliveries/s), the cluster
 * still holding 60 k/s, and nothing lost, duplicated or reordered. Heap per idle connection (goal 3) is
 * {@code bench/memory.sh}'s, judged by {@link #heap(double)}. A goal the run did not measure says so.
 */
final class Goals {
  static final int RATE = 25_000;
  static final int SATURATION = 60_000;
  static final double SOLO_RATIO = 1.5;
  static final double CLUSTER_RATIO = 1.0;
  static final double CLUSTER_P99_MS = 10;
  static final double HEAP_KIB = 8;

  private Goals() {}

  /**
   * One system's result at one offered load: deliveries per CPU-second, p99, whether the load was carried (at least
   * 95 % delivered, nothing lost, p99 under 100 ms), and the deliveries lost, duplicated or out of order.
   */
  record Outcome(double perCpu, double p99, boolean held, long faults) {
    static Outcome of(JsonObject r, int offered) {
      double p99 = r.getJsonObject("latencyMs", new JsonObject()).getDouble("p99", Double.NaN);
      long lost = r.getLong("lost", 0L);
      return new Outcome(r.getDouble("deliveriesPerCpuSecond", Double.NaN), p99,
          r.getDouble("deliveriesPerSecond", 0.0) >= 0.95 * offered && lost == 0 && p99 < 100,
          lost + r.getLong("duplicated", 0L) + r.getLong("outOfOrder", 0L));
    }
  }

  /**
   * The verdict table for a run's outcomes, system -> offered load -> outcome ({@code baseline}, {@code solo},
   * {@code cluster}), each a single run or the median of several; {@code runs} are all the generator runs of the
   * benchmark, for goal 4.
   */
  static String table(Map<String, Map<Integer, Outcome>> outcomes, List<Outcome> runs) {
    long faults = runs.stream().mapToLong(Outcome::faults).sum();
    Outcome base = at(outcomes, "baseline", RATE);
    Outcome solo = at(outcomes, "solo", RATE);
    Outcome cluster = at(outcomes, "cluster", RATE);
    Outcome saturated = at(outcomes, "cluster", SATURATION);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%nThe performance issue's goals, judged from this run:%n%n| goal | target | this run | verdict |%n"
            + "|---|---|---|---|%n"));
    row(sb, "1", String.format(Locale.ROOT, "one node >= %.1fx the bare broadcast's deliveries per CPU-s at %,d/s",
        SOLO_RATIO, RATE), ratio(solo, base), base != null && solo != null, ratio(solo, base, SOLO_RATIO));
    boolean both = base != null && cluster != null;
    row(sb, "2", String.format(Locale.ROOT, "two nodes + Redis >= %.1fx and p99 < %.0f ms at %,d/s", CLUSTER_RATIO,
        CLUSTER_P99_MS, RATE), both ? String.format(Locale.ROOT, "%s, p99 %.1f ms", ratio(cluster, base),
        cluster.p99()) : "", both, both && ratio(cluster, base, CLUSTER_RATIO) && cluster.p99() < CLUSTER_P99_MS);
    row(sb, "2", String.format(Locale.ROOT, "two nodes + Redis carry %,d/s (95 %% delivered, none lost, p99 < 100 ms)",
        SATURATION), saturated == null ? "" : String.format(Locale.ROOT, "p99 %.1f ms, %s", saturated.p99(),
        saturated.held() ? "carried" : "not carried"), saturated != null, saturated != null && saturated.held());
    sb.append(String.format(Locale.ROOT, "| 3 | heap per idle connection <= %.0f KiB | not measured here |"
        + " bench/memory.sh judges it |%n", HEAP_KIB));
    row(sb, "4", "nothing lost, duplicated or reordered", String.format(Locale.ROOT, "%d in %d run%s", faults,
        runs.size(), runs.size() == 1 ? "" : "s"), !runs.isEmpty(), faults == 0);
    return sb.toString();
  }

  /** Goal 3's verdict for {@code bench/memory.sh}'s live heap per connection. */
  static String heap(double bytesPerConnection) {
    return String.format(Locale.ROOT, "%nThe performance issue's goal 3 (heap per idle connection <= %.0f KiB): %s"
        + " (%,.0f bytes, %.1f KiB)%n", HEAP_KIB, bytesPerConnection <= HEAP_KIB * 1024 ? "met" : "not met",
        bytesPerConnection, bytesPerConnection / 1024);
  }

  private static Outcome at(Map<String, Map<Integer, Outcome>> outcomes, String system, int rate) {
    return outcomes.getOrDefault(system, Map.of()).get(rate);
  }

  private static String ratio(Outcome of, Outcome to) {
    return of == null || to == null ? "" : String.format(Locale.ROOT, "%.2fx", of.perCpu() / to.perCpu());
  }

  private static boolean ratio(Outcome of, Outcome to, double target) {
    return of != null && to != null && of.perCpu() / to.perCpu() >= target;
  }

  private static void row(StringBuilder sb, String goal, String target, String measured, boolean known, boolean met) {
    sb.append("| ").append(goal).append(" | ").append(target).append(" | ")
        .append(known ? measured : "not measured").append(" | ")
        .append(known ? (met ? "met" : "not met") : "not measured in this run").append(" |\n");
  }
}
