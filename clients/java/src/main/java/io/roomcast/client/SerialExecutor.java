package io.roomcast.client;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Runs tasks one at a time, in order, on any executor (a thread pool included): the app's callbacks. */
final class SerialExecutor implements Executor {
  private static final Logger LOG = Logger.getLogger(RoomcastClient.class.getName());   // logged as the client
  private final Executor target;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor target) {
    this.target = target;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.addLast(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      target.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        running = false;
        tasks.clear();
      }
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.pollFirst();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a callback failed", e);
      }
    }
  }
}
