package io.roomcast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.JarNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/run.sh}, the command behind every number in docs/performance.md, still starts the bare broadcast, one
 * node and a two-node cluster with Redis, drives each, and prints its tables ({@code --quick}: seconds, no timing
 * asserted), and its alternating mode measures each system in turn, the bare broadcast sharing rooms through Redis
 * (what a Redis cluster of Roomcast is held against) among them.
 */
class BenchScriptIT {
  @TempDir
  Path dir;

  private String run(Map<String, String> env, String... args) throws Exception {
    JarNode.jar();
    Path log = dir.resolve("run.log");
    List<String> cmd = new ArrayList<>(List.of("bash", "bench/run.sh"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OUT", dir.resolve("out-" + args.length).toString());
    pb.environment().put("PIN", "0");
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean ended = p.waitFor(4, TimeUnit.MINUTES);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(ended).as(out).isTrue();
    assertThat(p.exitValue()).as(() -> out + serverLogs(dir.resolve("out-" + args.length))).isZero();
    return out;
  }

  /** The ends of the logs of the processes run.sh started, to tell why one of them did not come up. */
  private static String serverLogs(Path out) {
    try (Stream<Path> files = Files.walk(out)) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        sb.append("\n--- ").append(out.relativize(f)).append(" (last lines)\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      }
      return sb.toString();
    } catch (IOException | UncheckedIOException e) {
      return "\n(server logs not readable: " + e + ")";
    }
  }

  @Test
  @DisplayName("bench/run.sh --quick runs the baseline, one node and the cluster and prints the side-by-side tables")
  void quickTable() throws Exception {
    String out = run(Map.of(), "--quick");
    assertThat(out).contains("| baseline |", "| solo |", "| cluster |")
        .doesNotContain("NaNx");
    assertThat(out.lines().filter(l -> l.startsWith("| lost / duplicated / out of order")))
        .hasSize(3).allMatch(l -> l.endsWith("| 0 / 0 / 0 |"));
    // the goals are judged at 25 k deliveries/s; a quick run at another load judges only goal 4
    assertThat(out).contains("The performance issue's goals, judged from this run:")
        .containsPattern("\\| 1 \\| .* \\| not measured in this run \\|")
        .containsPattern("\\| 4 \\| nothing lost, duplicated or reordered \\| 0 in 3 runs \\| met \\|");
  }

  @Test
  @DisplayName("bench/run.sh --alternate measures every system in turn, the bare broadcast through Redis included,"
      + " and prints medians and ratios")
  void alternate() throws Exception {
    String out = run(Map.of("CONNS", "100", "ROOMS", "5", "WARMUP", "1", "DURATION", "2", "RATES", "2000",
        "SYSTEMS", "baseline baselinecluster solo cluster"), "--alternate", "1");
    assertThat(out).contains("| baseline | 1 |", "| baselinecluster | 1 |", "| solo | 1 |", "| cluster | 1 |");
    // the two bare processes share their rooms through Redis: every member got every message, from either process
    assertThat(out.lines().filter(l -> l.startsWith("| lost / duplicated / out of order")))
        .hasSize(8).allMatch(l -> l.endsWith("| 0 / 0 / 0 |"));
  }
}
