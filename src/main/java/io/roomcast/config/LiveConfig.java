package io.roomcast.config;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * Live config: while a node runs, the mounted config file ({@code CHAT_CONFIG_FILE}) is read every
 * {@code configScanSeconds}; when it changed, the config is loaded again ({@link ConfigLoader}) and the live settings
 * ({@link Setting#LIVE}) are taken into the settings in force, the others reported as needing a restart. A broken
 * file is rejected and the settings in force stay. Used from one event loop (the timer's).
 */
public final class LiveConfig {
  /** What the node does with a change. */
  public interface Listener {
    /** {@code applied} is in force now; {@code live} names what changed, {@code later} what needs a restart. */
    void applied(ChatConfig applied, List<String> live, List<String> later);

    /** The changed file does not load: the settings in force stay. */
    void rejected(String reason);
  }

  private final Vertx vertx;
  private final Map<String, String> env;
  private final String path;
  private final Listener listener;
  private ChatConfig current;
  private Buffer seen;

  private LiveConfig(Vertx vertx, ChatConfig current, Map<String, String> env, String path, Listener listener) {
    this.vertx = vertx;
    this.current = current;
    this.env = env;
    this.path = path;
    this.listener = listener;
  }

  /** Watches the file {@code env} names, if it names one; {@code current} is the config in force now. */
  public static void watch(Vertx vertx, ChatConfig current, Map<String, String> env, Listener listener) {
    String path = env.get(Setting.CONFIG_FILE_ENV);
    if (path == null || path.isBlank()) {
      return;
    }
    LiveConfig watcher = new LiveConfig(vertx, current, env, path, listener);
    vertx.fileSystem().readFile(path).onSuccess(content -> watcher.seen = content);
    vertx.setPeriodic(current.configScanSeconds() * 1000L, timer -> watcher.scan());
  }

  private void scan() {
    vertx.fileSystem().readFile(path).onSuccess(content -> {
      if (content.equals(seen)) {
        return;
      }
      seen = content;
      ConfigLoader.load(vertx, env).onComplete(ar -> {
        if (ar.failed()) {
          listener.rejected(ar.cause().getMessage());
          return;
        }
        ChatConfig before = current;
        ChatConfig applied = before.withLiveSettingsOf(ar.result());
        current = applied;
        listener.applied(applied, before.differences(applied), applied.differences(ar.result()));
      });
    });
  }
}
