package io.roomcast.support;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds: the way tests wait, instead of sleeping a fixed time. */
public final class Await {
  private static final long POLL_NANOS = 20_000_000L;
  private Await() {}

  /** The future's result; fails the test if it does not complete within {@code timeout}. */
  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not completed within " + timeout, e);
    }
  }

  public static <T> T result(Future<T> future) {
    return result(future, Duration.ofSeconds(30));
  }

  /** {@link #until(String, Duration, BooleanSupplier)} within 20 s. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, Duration.ofSeconds(20), condition);
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
