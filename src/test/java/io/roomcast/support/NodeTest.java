package io.roomcast.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What most integration tests share: a client-side Vertx with a WebSocket client, and the node a test starts. */
public abstract class NodeTest {
  protected Vertx vertx;
  protected WebSocketClient client;
  /** Started by the test (or its own set-up); closed after it. */
  protected TestNode node;

  /**
   * Starts {@link #node} on a mounted config file (a ConfigMap) in {@code dir} holding {@code json}, checked every
   * second; returns the file.
   */
  protected Path startWithConfigFile(Path dir, String json) throws IOException {
    Path file = dir.resolve("config.json");
    rewrite(file, json);
    node = TestNode.start(Map.of("CHAT_CONFIG_FILE", file.toString(), "CHAT_CONFIG_SCAN_SECONDS", "1"));
    return file;
  }

  /** Replaces a mounted config file the way the kubelet does: a new file renamed over the old one. */
  protected static void rewrite(Path file, String json) throws IOException {
    Path tmp = file.resolveSibling("next.json");
    Files.writeString(tmp, json);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Waits until {@link #node} has applied {@code applied} changes of its config file. */
  protected void awaitReloads(int applied) {
    Await.until(applied + " applied reloads", Duration.ofSeconds(10),
        () -> node.metric("roomcast_config_reloads_total{result=\"applied\"}") == applied);
  }

  @BeforeEach
  protected void startClient() {
    vertx = Vertx.vertx();
    client = WsClient.newClient(vertx);
  }

  @AfterEach
  protected void stopClientAndNode() {
    Await.result(vertx.close());
    if (node != null) {
      node.close();
    }
  }
}
