package io.roomcast.hooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hooks' Prometheus series, made once per node for every hook and label value (nothing is made per call):
 * {@code roomcast_hook_calls_total{hook,outcome}}, {@code roomcast_hook_failures_total{hook,cause}},
 * {@code roomcast_hook_latency_seconds{hook}} (a histogram) and {@code roomcast_hook_breaker_state{hook}} (0 closed,
 * 1 half open, 2 open).
 */
final class HookMetrics {
  /** How a call ended, as the {@code outcome} label says. */
  enum Outcome { ALLOWED, REPLACED, REFUSED, FAILED_OPEN, FAILED_CLOSED }

  /** Why a call failed, as the {@code cause} label says. */
  enum Cause { TIMEOUT, UNREACHABLE, STATUS, MALFORMED, BREAKER_OPEN }

  private final Map<String, Map<Outcome, Counter>> calls = new HashMap<>();
  private final Map<String, Map<Cause, Counter>> failures = new HashMap<>();
  private final Map<String, Timer> latency = new HashMap<>();

  HookMetrics(MeterRegistry registry, Map<String, CircuitBreaker> breakers) {
    breakers.forEach((hook, breaker) -> {
      Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        byOutcome.put(o, Counter.builder("roomcast_hook_calls").tag("hook", hook).tag("outcome", label(o))
            .description("Hook calls, by how they ended (failed_open: let through by the open policy)")
            .register(registry));
      }
      calls.put(hook, byOutcome);
      Map<Cause, Counter> byCause = new EnumMap<>(Cause.class);
      for (Cause c : Cause.values()) {
        byCause.put(c, Counter.builder("roomcast_hook_failures").tag("hook", hook).tag("cause", label(c))
            .description("Hook calls that failed, by cause").register(registry));
      }
      failures.put(hook, byCause);
      latency.put(hook, Timer.builder("roomcast_hook_latency").tag("hook", hook)
          .description("Time from a hook call to its answer (or failure)").publishPercentileHistogram()
          .register(registry));
      Gauge.builder("roomcast_hook_breaker_state", breaker, HookMetrics::state).tag("hook", hook)
          .description("The hook's circuit breaker: 0 closed, 1 half open (one trial call), 2 open (calls fail at once)")
          .register(registry);
    });
  }

  private static double state(CircuitBreaker breaker) {
    CircuitBreakerState s = breaker.state();
    return s == CircuitBreakerState.CLOSED ? 0 : s == CircuitBreakerState.HALF_OPEN ? 1 : 2;
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }

  void ended(String hook, Outcome outcome, long startNanos) {
    calls.get(hook).get(outcome).increment();
    latency.get(hook).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  void failed(String hook, Cause cause) {
    failures.get(hook).get(cause).increment();
  }
}
