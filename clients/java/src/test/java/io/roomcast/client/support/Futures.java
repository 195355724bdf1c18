package io.roomcast.client.support;

import io.roomcast.client.RoomcastException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

public final class Futures {
  private Futures() {}

  /** The future's value (within 20 s). */
  public static <T> T get(CompletableFuture<T> f) {
    try {
      return f.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 20 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The error code the future failed with (within 20 s). */
  public static String errorCode(CompletableFuture<?> f) {
    try {
      Object v = f.get(20, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + v);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RoomcastException) {
        return ((RoomcastException) e.getCause()).code();
      }
      throw new AssertionError("failed with " + e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 20 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
