package io.roomcast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdicts {@code bench/run.sh} prints for the performance issue's goals, from result files shaped like the load
 * generator's ({@code --out}): a goal is met only when the run measured it and reached its target.
 */
class GoalsTest {
  @TempDir
  Path dir;

  private static JsonObject result(double perCpu, double p99, double delivered, long lost, long duplicated,
      long outOfOrder) {
    return new JsonObject().put("deliveriesPerSecond", delivered).put("lost", lost).put("duplicated", duplicated)
        .put("outOfOrder", outOfOrder).put("latencyMs", new JsonObject().put("p50", 1.0).put("p99", p99))
        .put("deliveriesPerCpuSecond", perCpu);
  }

  private void write(String file, JsonObject result) throws IOException {
    Files.createDirectories(dir.resolve(file).getParent());
    Files.writeString(dir.resolve(file), result.encode());
  }

  /** The verdict column of the goals table's row that starts with {@code prefix}. */
  private static String verdict(String report, String prefix) {
    List<String> rows = report.lines().filter(l -> l.startsWith(prefix)).toList();
    assertThat(rows).as(report).hasSize(1);
    String[] cells = rows.get(0).split("\\|");
    return cells[cells.length - 1].trim();
  }

  /** The verdicts of goal 1, goal 2 at 25 k/s, goal 2 at 60 k/s and goal 4, in that order. */
  private static List<String> verdicts(String report) {
    return List.of(verdict(report, "| 1 |"), verdict(report, "| 2 | two nodes + Redis >="),
        verdict(report, "| 2 | two nodes + Redis carry"), verdict(report, "| 4 |"));
  }

  @Test
  @DisplayName("a run that reaches every target reads met, one that misses reads not met, with its numbers")
  void metAndNotMet() throws IOException {
    write("baseline-25000.json", result(60_000, 8, 25_000, 0, 0, 0));
    write("solo-25000.json", result(90_000, 5, 25_000, 0, 0, 0));
    write("cluster-25000.json", result(61_000, 9.5, 25_000, 0, 0, 0));
    write("cluster-60000.json", result(70_000, 40, 59_000, 0, 0, 0));
    String met = BenchReport.report(dir);
    assertThat(met).contains("| 1.50x |", "| 1.02x, p99 9.5 ms |", "| 0 in 4 runs |");
    assertThat(verdicts(met)).containsExactly("met", "met", "met", "met");

    write("solo-25000.json", result(89_000, 5, 25_000, 0, 0, 0));
    write("cluster-25000.json", result(61_000, 10.0, 25_000, 0, 0, 1));
    write("cluster-60000.json", result(70_000, 120, 59_000, 0, 0, 0));
    String missed = BenchReport.report(dir);
    assertThat(missed).contains("| 1.48x |", "| 1 in 4 runs |");
    assertThat(verdicts(missed)).containsExactly("not met", "not met", "not met", "not met");
  }

  @Test
  @DisplayName("a goal the run did not measure (another load, a system left out) is not judged")
  void notMeasured() throws IOException {
    write("baseline-12500.json", result(60_000, 8, 12_500, 0, 0, 0));
    write("solo-12500.json", result(200_000, 5, 12_500, 0, 0, 0));
    write("solo-25000.json", result(200_000, 5, 25_000, 0, 0, 0));
    String report = BenchReport.report(dir);
    assertThat(verdicts(report)).containsExactly("not measured in this run", "not measured in this run",
        "not measured in this run", "met");
  }

  @Test
  @DisplayName("measured in turn, the goals are judged on each system's median run")
  void inTurn() throws IOException {
    double[][] runs = {{60_000, 70_000, 65_000}, {100_000, 90_000, 80_000}, {66_000, 60_000, 70_000}};
    String[] systems = {"baseline", "solo", "cluster"};
    for (int s = 0; s < systems.length; s++) {
      for (int round = 0; round < 3; round++) {
        write(systems[s] + "-" + (round + 1) + "/run-25000.json",
            result(runs[s][round], 5 + round, 25_000, 0, 0, 0));
      }
    }
    String report = BenchReport.compare(dir, "run", 25_000, List.of(systems));
    // medians 65 k, 90 k, 66 k: one node 1.38x, two nodes 1.02x with the median p99 (6 ms)
    assertThat(report).contains("| 1.38x |", "| 1.02x, p99 6.0 ms |", "| 0 in 9 runs |");
    assertThat(verdict(report, "| 1 |")).isEqualTo("not met");
    assertThat(verdict(report, "| 2 | two nodes + Redis >=")).isEqualTo("met");
  }

  @Test
  @DisplayName("bench/memory.sh's heap per idle connection is met at 8 KiB and not above")
  void heap() {
    assertThat(Goals.heap(8 * 1024)).contains(": met (8,192 bytes, 8.0 KiB)");
    assertThat(Goals.heap(8 * 1024 + 1)).contains(": not met (8,193 bytes, 8.0 KiB)");
    assertThat(Goals.heap(6_853)).contains(": met (6,853 bytes, 6.7 KiB)");
  }
}
