package io.roomcast.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.JarNode;
import io.roomcast.support.ToolsJar;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The load generator's counters can fail: against a protocol-v1 server that drops, duplicates or reorders one
 * delivery, the generator reports exactly that. And the generator runs against a real node (a smoke run; no timing is
 * asserted).
 */
class LoadGeneratorIT {
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  /** What the fake server does to the 10th message it relays, for one member of the room. */
  enum Fault { NONE, DROP, DUPLICATE, REORDER }

  /** A tiny protocol-v1 relay, like bench/baseline, that can mishandle one delivery on purpose. */
  private int fakeServer(Fault fault) {
    Map<String, List<ServerWebSocket>> rooms = new ConcurrentHashMap<>();
    AtomicInteger sends = new AtomicInteger();
    String[] held = new String[1];
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .webSocketHandler(ws -> {
          ws.writeTextMessage("{\"type\":\"welcome\",\"user\":\"u\",\"session\":\"s\",\"node\":\"fake\",\"protocol\":1}");
          ws.textMessageHandler(text -> {
            JsonObject f = new JsonObject(text);
            String room = f.getString("room");
            if ("join".equals(f.getString("type"))) {
              rooms.computeIfAbsent(room, r -> new ArrayList<>()).add(ws);
              ws.writeTextMessage(new JsonObject().put("type", "joined").put("ref", f.getString("ref"))
                  .put("room", room).put("members", new io.vertx.core.json.JsonArray()).put("recovered", false).encode());
              return;
            }
            int n = sends.incrementAndGet();
            String message = new JsonObject().put("type", "message").put("room", room).put("id", "1-" + n)
                .put("user", "u").put("text", f.getString("text")).put("ts", 1).encode();
            List<ServerWebSocket> members = rooms.get(room);
            for (int i = 0; i < members.size(); i++) {
              ServerWebSocket member = members.get(i);
              boolean victim = i == 0 && n == 10;
              boolean next = i == 0 && n == 11 && held[0] != null;
              if (victim && fault == Fault.DROP) {
                continue;
              } else if (victim && fault == Fault.DUPLICATE) {
                member.writeTextMessage(message);
              } else if (victim && fault == Fault.REORDER) {
                held[0] = message;
                continue;
              }
              member.writeTextMessage(message);
              if (next) {
                member.writeTextMessage(held[0]);
                held[0] = null;
              }
            }
            ws.writeTextMessage(new JsonObject().put("type", "ok").put("ref", f.getString("ref")).put("room", room)
                .put("id", "1-" + n).encode());
          });
        });
    return Await.result(server.listen()).actualPort();
  }

  private BenchResult run(int port, ByteArrayOutputStream output) {
    // one connection in one room: it sends every message and receives them all, so messages 10 and 11 are two
    // consecutive messages of one sender to one receiver, which is what the counters look at
    BenchOptions options = BenchOptions.parse(new String[] {"--url", "ws://127.0.0.1:" + port + "/ws",
        "--conns", "1", "--rooms", "1", "--rate", "20", "--duration", "2", "--warmup", "0", "--drain", "2",
        "--threads", "1"});
    return new LoadGenerator(options, new PrintStream(output, true, StandardCharsets.UTF_8)).run();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Fault.class)
  @DisplayName("a dropped, duplicated or reordered delivery is counted as exactly that")
  void countersCatchFaults(Fault fault) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    BenchResult r = run(fakeServer(fault), output);
    String log = output.toString(StandardCharsets.UTF_8);
    assertThat(r.acked()).as(log).isGreaterThanOrEqualTo(20);
    assertThat(r.lost()).as("lost, %s", log).isEqualTo(fault == Fault.DROP ? 1 : 0);
    assertThat(r.duplicated()).as("duplicated, %s", log).isEqualTo(fault == Fault.DUPLICATE ? 1 : 0);
    assertThat(r.outOfOrder()).as("out of order, %s", log).isEqualTo(fault == Fault.REORDER ? 1 : 0);
    if (fault == Fault.DROP) {
      assertThat(log).contains("lost: message 9 of b0");
    }
  }

  @Test
  @DisplayName("smoke: `java -jar roomcast-tools.jar bench` against a real node delivers everything and writes its result")
  void smokeRun() throws Exception {
    try (JarNode node = JarNode.start(dir.resolve("node"), Map.of("CHAT_MAX_CONNECTIONS_PER_IP", "1000",
        "CHAT_MAX_UPGRADES_PER_IP_PER_SECOND", "1000", "CHAT_ROOM_CREATE_QUOTA", "1000"))) {
      Path out = dir.resolve("result.json");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-jar", ToolsJar.jar().toAbsolutePath().toString(), "bench",
          "--url", "ws://127.0.0.1:" + node.port() + "/ws", "--conns", "20", "--rooms", "2", "--rate", "2",
          "--duration", "2", "--warmup", "1", "--cpu-pids", String.valueOf(node.process().pid()),
          "--out", out.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("bench.txt").toFile()).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String log = Files.readString(dir.resolve("bench.txt"));
      assertThat(p.exitValue()).as(log).isZero();
      assertThat(log).contains("t=  1s", "deliveries per CPU-second");
      JsonObject result = new JsonObject(Files.readString(out));
      assertThat(result.getLong("lost")).isZero();
      assertThat(result.getLong("delivered")).isEqualTo(result.getLong("expected")).isPositive();
      assertThat(result.getJsonObject("latencyMs").getDouble("p99")).isNotNull();
      assertThat(result.getDouble("cpuSeconds")).isNotNull();
    }
  }
}
