package io.roomcast.bench;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A benchmark's outcome. {@code lost} counts deliveries owed (each acknowledged message, once per member of its room)
 * that never came; {@code duplicated} and {@code outOfOrder} count deliveries that came twice or behind a later one
 * from the same sender. Latencies are in milliseconds, from the time a message was due to be sent to its delivery.
 */
public record BenchResult(String label, int conns, int rooms, double rate, int durationSeconds, long sent, long acked,
    long expected, long delivered, double deliveriesPerSecond, double p50, double p90, double p99, double p999,
    double max, long lost, long duplicated, long outOfOrder, long errors, long refused, long closed,
    double cpuSeconds, double deliveriesPerCpuSecond, double redisCpuSeconds) {

  static BenchResult of(BenchOptions o, Tally t, double cpuSeconds, boolean cpuMeasured, double redisCpuSeconds) {
    double perSecond = t.measured / (double) o.durationSeconds();
    long lost = Math.max(0, t.expected - (t.received - t.duplicated));
    return new BenchResult(o.label(), o.conns(), o.rooms(), o.rate(), o.durationSeconds(), t.sent, t.acked,
        t.expected, t.received, perSecond, ms(t, 50), ms(t, 90), ms(t, 99), ms(t, 99.9),
        t.latency.getMaxValue() / 1000.0, lost, t.duplicated, t.outOfOrder, t.errors, t.refused, t.closed,
        cpuMeasured ? cpuSeconds : Double.NaN,
        cpuMeasured && cpuSeconds > 0 ? t.measured / cpuSeconds : Double.NaN, redisCpuSeconds);
  }

  /** Server CPU time per delivery in microseconds (NaN when not measured). */
  double cpuMicrosPerDelivery() {
    return 1e6 / deliveriesPerCpuSecond;
  }

  /** Redis CPU time per delivery in microseconds (NaN when not measured). */
  double redisCpuMicrosPerDelivery() {
    return Double.isNaN(redisCpuSeconds) || deliveriesPerSecond == 0 ? Double.NaN
        : redisCpuSeconds * 1e6 / (deliveriesPerSecond * durationSeconds);
  }

  private static double ms(Tally t, double percentile) {
    return t.latency.getTotalCount() == 0 ? Double.NaN : t.latency.getValueAtPercentile(percentile) / 1000.0;
  }

  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n| %-32s | %s |%n|---|---|%n", "result", label.isEmpty() ? "" : label));
    row(sb, "connections / rooms", conns + " / " + rooms);
    row(sb, "messages sent / acked", sent + " / " + acked);
    row(sb, "deliveries owed / made", expected + " / " + delivered);
    row(sb, "delivered per second", String.format(Locale.ROOT, "%.0f", deliveriesPerSecond));
    row(sb, "latency p50 / p90 / p99", String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", p50, p90, p99));
    row(sb, "latency p99.9 / max", String.format(Locale.ROOT, "%.2f / %.2f ms", p999, max));
    row(sb, "lost / duplicated / out of order", lost + " / " + duplicated + " / " + outOfOrder);
    row(sb, "errors / refused / closed", errors + " / " + refused + " / " + closed);
    if (!Double.isNaN(cpuSeconds)) {
      row(sb, "server CPU seconds", String.format(Locale.ROOT, "%.2f", cpuSeconds));
      row(sb, "deliveries per CPU-second", String.format(Locale.ROOT, "%.0f", deliveriesPerCpuSecond));
      row(sb, "server CPU per delivery", String.format(Locale.ROOT, "%.2f µs", cpuMicrosPerDelivery()));
    }
    if (!Double.isNaN(redisCpuSeconds)) {
      row(sb, "Redis CPU seconds", String.format(Locale.ROOT, "%.2f", redisCpuSeconds));
      row(sb, "Redis CPU per delivery", String.format(Locale.ROOT, "%.2f µs", redisCpuMicrosPerDelivery()));
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, String value) {
    sb.append(String.format(Locale.ROOT, "| %-32s | %s |%n", name, value));
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject().put("label", label).put("conns", conns).put("rooms", rooms).put("rate", rate)
        .put("durationSeconds", durationSeconds).put("sent", sent).put("acked", acked).put("expected", expected)
        .put("delivered", delivered).put("deliveriesPerSecond", deliveriesPerSecond).put("lost", lost)
        .put("duplicated", duplicated).put("outOfOrder", outOfOrder).put("errors", errors).put("refused", refused)
        .put("closed", closed);
    JsonObject latency = new JsonObject();
    put(latency, "p50", p50);
    put(latency, "p90", p90);
    put(latency, "p99", p99);
    put(latency, "p999", p999);
    put(latency, "max", max);
    o.put("latencyMs", latency);
    put(o, "cpuSeconds", cpuSeconds);
    put(o, "deliveriesPerCpuSecond", deliveriesPerCpuSecond);
    put(o, "cpuMicrosPerDelivery", cpuMicrosPerDelivery());
    put(o, "redisCpuSeconds", redisCpuSeconds);
    put(o, "redisCpuMicrosPerDelivery", redisCpuMicrosPerDelivery());
    return o;
  }

  private static void put(JsonObject o, String key, double value) {
    if (!Double.isNaN(value)) {
      o.put(key, Math.round(value * 1000) / 1000.0);
    }
  }
}
