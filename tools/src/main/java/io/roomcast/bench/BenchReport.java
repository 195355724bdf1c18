package io.roomcast.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Prints the side-by-side table of a {@code bench/run.sh} run from its result files ({@code <system>-<rate>.json}):
 * per system and offered load the p99 latency and deliveries per CPU-second, their ratio to the bare baseline, and
 * the saturation point (the highest offered load delivered in full, nothing lost, with p99 under 100 ms).
 */
public final class BenchReport {
  private static final List<String> ORDER = List.of("baseline", "baselinenative", "solo", "cluster");

  private BenchReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--scaling")) {
      System.out.print(scaling(Path.of(args[1])));
    } else if (args.length >= 4 && args[0].equals("--compare")) {
      System.out.print(compare(Path.of(args[1]), args[2], Integer.parseInt(args[3]),
          List.of(args).subList(4, args.length)));
    } else {
      System.out.print(report(Path.of(args[0])));
    }
  }

  /**
   * The table of a {@code bench/scaling.sh} run ({@code <mode>-<spread>.json}): per spread and mode, deliveries per
   * second, p99, losses, and the nodes' and Redis' CPU per delivery, with the ratios to pattern mode.
   */
  static String scaling(Path dir) throws IOException {
    Map<Integer, Map<String, JsonObject>> bySpread = new TreeMap<>();
    for (Run run : runs(dir)) {
      bySpread.computeIfAbsent(run.number(), k -> new TreeMap<>()).put(run.name(), run.result());
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n| rooms on | mode | deliveries/s | p99 ms |"
        + " lost | node CPU µs/delivery | vs pattern | Redis CPU µs/delivery | vs pattern |"
        + " pub/sub copies per message | Redis bytes out per message |%n"
        + "|---|---|---|---|---|---|---|---|---|---|---|%n"));
    for (var spread : bySpread.entrySet()) {
      JsonObject pattern = spread.getValue().get("pattern");
      for (String mode : List.of("pattern", "rooms", "cluster")) {
        JsonObject r = spread.getValue().get(mode);
        if (r == null) {
          continue;
        }
        double node = r.getDouble("cpuMicrosPerDelivery", Double.NaN);
        double redis = r.getDouble("redisCpuMicrosPerDelivery", Double.NaN);
        double nodeBase = pattern == null ? Double.NaN : pattern.getDouble("cpuMicrosPerDelivery", Double.NaN);
        double redisBase = pattern == null ? Double.NaN : pattern.getDouble("redisCpuMicrosPerDelivery", Double.NaN);
        Map<String, Double> locality = locality(dir.resolve(mode + "-" + spread.getKey() + ".locality"));
        double messages = locality.getOrDefault("messages", Double.NaN);
        sb.append(String.format(Locale.ROOT,
            "| %d node%s | %s | %,.0f | %.1f | %d | %.2f | %.2fx | %.2f | %.2fx | %.2f | %,.0f |%n",
            spread.getKey(), spread.getKey() == 1 ? "" : "s", mode, r.getDouble("deliveriesPerSecond", 0.0),
            r.getJsonObject("latencyMs", new JsonObject()).getDouble("p99", Double.NaN), r.getLong("lost", 0L),
            node, node / nodeBase, redis, redis / redisBase,
            locality.getOrDefault("pubsub_received", Double.NaN) / messages,
            locality.getOrDefault("redis_net_output_bytes", Double.NaN) / messages));
      }
    }
    return sb.toString();
  }

  /** One generator result, {@code <name>-<number>.json}: a system or mode, and its rate or spread. */
  private record Run(String name, int number, JsonObject result) {}

  /** The generator results in {@code dir}. */
  private static List<Run> runs(Path dir) throws IOException {
    List<Run> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().matches("[a-z]+-\\d+\\.json")).toList()) {
        String name = f.getFileName().toString();
        int dash = name.indexOf('-');
        runs.add(new Run(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1, name.length() - 5)),
            new JsonObject(Files.readString(f))));
      }
    }
    return runs;
  }

  /** The counters {@code bench/scaling.sh} read from the nodes and Redis after a run ("name value" lines). */
  private static Map<String, Double> locality(Path file) throws IOException {
    Map<String, Double> values = new TreeMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 2 && parts[1].matches("\\d+")) {
          values.put(parts[0], Double.parseDouble(parts[1]));
        }
      }
    }
    return values;
  }

  /**
   * The table of a {@code bench/compare.sh} run: per variant (label), the median of its repeated runs, and its ratio
   * to the first variant.
   */
  static String compare(Path dir, String system, int deliveries, List<String> order) throws IOException {
    Map<String, List<JsonObject>> byLabel = new java.util.LinkedHashMap<>();
    order.forEach(label -> byLabel.put(label, new ArrayList<>()));
    List<Path> runs;
    try (Stream<Path> files = Files.list(dir)) {
      runs = files.filter(Files::isDirectory).sorted().toList();
    }
    for (Path run : runs) {
      String name = run.getFileName().toString();
      Path result = run.resolve(system + "-" + deliveries + ".json");
      if (Files.exists(result) && name.matches(".+-\\d+")) {
        byLabel.computeIfAbsent(name.substring(0, name.lastIndexOf('-')), k -> new ArrayList<>())
            .add(new JsonObject(Files.readString(result)));
      }
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%n| variant (%s, %,d deliveries/s) | runs | deliveries per CPU-s, median (all) | ratio | p99 ms, median |"
            + " lost |%n|---|---|---|---|---|---|%n", system, deliveries));
    double first = Double.NaN;
    Map<String, Map<Integer, Goals.Outcome>> outcomes = new TreeMap<>();
    List<Goals.Outcome> all = new ArrayList<>();
    for (var e : byLabel.entrySet()) {
      List<Goals.Outcome> each = e.getValue().stream().map(r -> Goals.Outcome.of(r, deliveries)).toList();
      all.addAll(each);
      if (e.getValue().isEmpty()) {
        sb.append("| ").append(e.getKey()).append(" | 0 | (no result) | | | |\n");
        continue;
      }
      List<Double> perCpu = e.getValue().stream().map(r -> r.getDouble("deliveriesPerCpuSecond", Double.NaN))
          .sorted().toList();
      List<Double> p99 = e.getValue().stream()
          .map(r -> r.getJsonObject("latencyMs", new JsonObject()).getDouble("p99", Double.NaN)).sorted().toList();
      long lost = e.getValue().stream().mapToLong(r -> r.getLong("lost", 0L)).sum();
      double median = perCpu.get(perCpu.size() / 2);
      // the label's median run stands for it; it carried the load only if every run did
      outcomes.put(e.getKey(), Map.of(deliveries, new Goals.Outcome(median, p99.get(p99.size() / 2),
          each.stream().allMatch(Goals.Outcome::held), each.stream().mapToLong(Goals.Outcome::faults).sum())));
      if (Double.isNaN(first)) {
        first = median;
      }
      sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f (%s) | %.2fx | %.1f | %d |%n", e.getKey(), perCpu.size(),
          median, perCpu.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList(), median / first,
          p99.get(p99.size() / 2), lost));
    }
    if (outcomes.containsKey("baseline")) {
      sb.append(Goals.table(outcomes, all));
    }
    return sb.toString();
  }

  static String report(Path dir) throws IOException {
    Map<String, Map<Integer, JsonObject>> bySystem = new TreeMap<>((a, b) -> rank(a) - rank(b));
    for (Run run : runs(dir)) {
      bySystem.computeIfAbsent(run.name(), s -> new TreeMap<>()).put(run.number(), run.result());
    }
    List<Integer> rates = new ArrayList<>(bySystem.values().stream().flatMap(m -> m.keySet().stream())
        .distinct().sorted().toList());
    List<Integer> table = rates.stream().filter(r -> bySystem.values().stream().allMatch(m -> m.containsKey(r)))
        .toList();
    StringBuilder sb = new StringBuilder("\n| system |");
    for (int r : table) {
      sb.append(String.format(Locale.ROOT, " %,d deliveries/s: p99, deliveries per CPU-s (vs baseline), lost |", r));
    }
    sb.append(" saturates near |\n|---|");
    sb.append("---|".repeat(table.size())).append("---|\n");
    Map<Integer, JsonObject> baseline = bySystem.getOrDefault("baseline", Map.of());
    for (var e : bySystem.entrySet()) {
      sb.append("| ").append(e.getKey()).append(" |");
      for (int r : table) {
        JsonObject res = e.getValue().get(r);
        double perCpu = res.getDouble("deliveriesPerCpuSecond", Double.NaN);
        double base = baseline.containsKey(r) ? baseline.get(r).getDouble("deliveriesPerCpuSecond", Double.NaN) : Double.NaN;
        sb.append(String.format(Locale.ROOT, " %.1f ms, %,.0f (%.2fx), %d |",
            res.getJsonObject("latencyMs", new JsonObject()).getDouble("p99", Double.NaN), perCpu, perCpu / base,
            res.getLong("lost", 0L)));
      }
      sb.append(" ").append(saturation(e.getValue())).append(" |\n");
    }
    Map<String, Map<Integer, Goals.Outcome>> outcomes = new TreeMap<>();
    List<Goals.Outcome> all = new ArrayList<>();
    bySystem.forEach((system, results) -> results.forEach((rate, r) -> {
      Goals.Outcome o = Goals.Outcome.of(r, rate);
      outcomes.computeIfAbsent(system, k -> new TreeMap<>()).put(rate, o);
      all.add(o);
    }));
    sb.append(Goals.table(outcomes, all));
    return sb.toString();
  }

  /** The highest offered load that was delivered in full (95 %), nothing lost, p99 under 100 ms. */
  private static String saturation(Map<Integer, JsonObject> runs) {
    int best = -1;
    int firstFailed = -1;
    for (var e : runs.entrySet()) {
      boolean held = Goals.Outcome.of(e.getValue(), e.getKey()).held();
      if (held && firstFailed < 0) {
        best = e.getKey();
      } else if (!held && firstFailed < 0) {
        firstFailed = e.getKey();
      }
    }
    if (best < 0) {
      return "below " + String.format(Locale.ROOT, "%,d", runs.keySet().iterator().next()) + "/s";
    }
    return firstFailed < 0 ? String.format(Locale.ROOT, "above %,d/s", best)
        : String.format(Locale.ROOT, "%,d-%,d/s", best, firstFailed);
  }

  private static int rank(String system) {
    int i = ORDER.indexOf(system);
    return i < 0 ? ORDER.size() + system.hashCode() % 100 : i;
  }
}
