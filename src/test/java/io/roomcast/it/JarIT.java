package io.roomcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.Http;
import io.roomcast.support.RedisServer;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar as a newcomer runs it: {@code java -jar target/chat-server.jar}, a real process, no other service. */
class JarIT {
  @TempDir Path dir;

  private static Path jar() {
    Path jar = Path.of(System.getProperty("roomcast.jar", "target/chat-server.jar"));
    assertThat(jar).as("the fat jar (built by the package phase)").exists();
    return jar;
  }

  private Process launch(Map<String, String> env) throws IOException {
    return launch(env, dir);
  }

  private Process launch(Map<String, String> env, Path workDir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-jar", jar().toAbsolutePath().toString()))
        // started from an empty directory: the jar carries its defaults
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(new File(workDir.toFile(), "server.log"));
    pb.environment().keySet().removeIf(k -> k.startsWith("CHAT_") || k.equals("PORT") || k.equals("REDIS_URL"));
    pb.environment().putAll(env);
    return pb.start();
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("server.log"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  @DisplayName("the jar starts a working node with the in-memory broker: page, health and chat")
  void runsAndChats() throws Exception {
    int port = freePort();
    Process p = launch(Map.of("PORT", String.valueOf(port)));
    Vertx vertx = Vertx.vertx();
    try {
      awaitReady(p, port);
      assertThat(Http.get(port, "/").body()).contains("data-testid=\"messages\"");
      WebSocketClient client = WsClient.newClient(vertx);
      try (WsClient ann = WsClient.connect(client, port, "ann"); WsClient bob = WsClient.connect(client, port, "bob")) {
        ann.expect("ok", new JsonObject().put("type", "create").put("room", "lobby"));
        ann.join("lobby");
        bob.join("lobby");
        String id = ann.say("lobby", "hello from the jar");
        JsonObject m = bob.event("message");
        assertThat(m.getString("id")).isEqualTo(id);
        assertThat(m.getString("text")).isEqualTo("hello from the jar");
      }
      assertThat(log()).contains("listening on 0.0.0.0:" + port).doesNotContain("hello from the jar");
    } finally {
      Await.result(vertx.close());
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
    }
  }

  @Test
  @DisplayName("an invalid setting stops the jar at start-up with a message naming the key")
  void invalidSettingStops() throws Exception {
    Process p = launch(Map.of("PORT", String.valueOf(freePort()), "CHAT_SEND_BURST", "plenty"));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(log()).contains("CHAT_SEND_BURST");
  }

  @Test
  @DisplayName("two jars on one redis-server form a cluster: a room created on one is chat on the other")
  void twoJarsShareRooms() throws Exception {
    try (RedisServer redis = RedisServer.startProcess()) {
      int portA = freePort();
      int portB = freePort();
      Path dirB = Files.createDirectory(dir.resolve("b"));
      Process a = launch(Map.of("PORT", String.valueOf(portA), "REDIS_URL", redis.url(), "CHAT_NODE_ID", "jar-a"));
      Process b = launch(Map.of("PORT", String.valueOf(portB), "REDIS_URL", redis.url(), "CHAT_NODE_ID", "jar-b"),
          dirB);
      Vertx vertx = Vertx.vertx();
      try {
        awaitReady(a, portA);
        awaitReady(b, portB);
        WebSocketClient client = WsClient.newClient(vertx);
        try (WsClient ann = WsClient.connect(client, portA, "ann"); WsClient bob = WsClient.connect(client, portB, "bob")) {
          assertThat(ann.welcome().getString("node")).isEqualTo("jar-a");
          assertThat(bob.welcome().getString("node")).isEqualTo("jar-b");
          ann.expect("ok", new JsonObject().put("type", "create").put("room", "shared"));
          bob.take(f -> "room".equals(f.getString("type")) && "shared".equals(f.getString("room")));
          ann.join("shared");
          bob.join("shared");
          ann.take(f -> "presence".equals(f.getString("type")) && "bob".equals(f.getString("user")));
          String id = ann.say("shared", "across jars");
          assertThat(bob.event("message").getString("id")).isEqualTo(id);
        }
      } finally {
        Await.result(vertx.close());
        a.destroy();
        b.destroy();
        assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  private static void awaitReady(Process p, int port) {
    Await.until("the node on " + port + " to be ready", Duration.ofSeconds(30), () -> {
      try {
        return Http.get(port, "/health/ready").statusCode() == 200;
      } catch (AssertionError notYet) {
        assertThat(p.isAlive()).as("server process alive").isTrue();
        return false;
      }
    });
  }
}
