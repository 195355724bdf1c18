package io.roomcast.hooks;

import io.micrometer.core.instrument.MeterRegistry;
import io.roomcast.config.HookSettings;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every gateway instance of a node shares about the hooks: one circuit breaker per hook (so a backend that is
 * down is shed by the whole node at once), the signer and the metrics. Each instance calls through its own
 * {@link HookClient}. The breakers are thread-safe; their state changes are logged once each.
 */
public final class Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);
  static final List<String> NAMES = List.of("connect", "join", "send");

  private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
  private final Signer signer;
  private final HookMetrics metrics;
  private final int poolSize;

  public Hooks(Vertx vertx, HookSettings settings, MeterRegistry registry) {
    this.signer = new Signer(settings.secret());
    this.poolSize = settings.poolSize();
    for (String name : NAMES) {
      CircuitBreaker breaker = CircuitBreaker.create("hook-" + name, vertx, new CircuitBreakerOptions()
          .setMaxFailures(settings.breakerFailures())
          .setResetTimeout(settings.breakerResetMs())
          // the call's own timeout is the hook's (a live setting); the breaker only counts and sheds
          .setTimeout(-1)
          .setFallbackOnFailure(false)
          .setNotificationAddress(null));
      breaker.openHandler(v -> LOG.warn("hook {}: circuit breaker open after {} failures; calls fail at once for {} ms "
          + "(the hook's policy decides)", name, settings.breakerFailures(), settings.breakerResetMs()));
      breaker.halfOpenHandler(v -> LOG.info("hook {}: circuit breaker half open, trying one call", name));
      breaker.closeHandler(v -> LOG.info("hook {}: circuit breaker closed, the backend answers again", name));
      breakers.put(name, breaker);
    }
    this.metrics = new HookMetrics(registry, breakers);
  }

  CircuitBreaker breaker(String hook) {
    return breakers.get(hook);
  }

  Signer signer() {
    return signer;
  }

  HookMetrics metrics() {
    return metrics;
  }

  int poolSize() {
    return poolSize;
  }
}
