package io.roomcast.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.Http;
import io.roomcast.support.JarNode;
import io.roomcast.support.NodeTest;
import io.roomcast.support.RawWebSocket;
import io.roomcast.support.Sockets;
import io.roomcast.support.TestNode;
import io.roomcast.support.Tokens;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every close the server starts ends the TCP connection within {@code closeTimeoutMs}, whatever the client does. The
 * clients here stop reading (a 4 KiB receive buffer), so the server's close frame waits behind bytes they never take:
 * the connection used to stay ESTABLISHED for as long as the client liked, holding the kernel's send buffer and a
 * slot of its address's connection limit.
 */
class CloseBoundIT extends NodeTest {
  private static final String SECRET = "close-bound-secret-long-enough-for-hs256!";
  private static final String API_KEY = "close-bound-api-key";
  /** The bound the tests run with. */
  private static final String CLOSE_TIMEOUT_MS = "1000";
  /** What a room's flood sends: more than the kernel buffers of a client that does not read can take. */
  private static final int FLOOD_BYTES = 8 << 20;
  private static final int TEXT = 200_000;
  private final List<RawWebSocket> peers = new ArrayList<>();
  @TempDir Path dir;
  /** The node under test: {@link #node} in this JVM, or {@link #jar}. */
  private Server server;
  private JarNode jar;

  /** A node's port and its metrics. */
  private record Server(int port, java.util.function.ToDoubleFunction<String> metrics) {
    double metric(String series) {
      return metrics.applyAsDouble(series);
    }
  }

  @AfterEach
  void closePeers() {
    peers.forEach(RawWebSocket::close);
    if (jar != null) {
      jar.close();
    }
  }

  private static Map<String, String> settings(String... more) {
    Map<String, String> env = new HashMap<>(Map.of("CHAT_CLOSE_TIMEOUT_MS", CLOSE_TIMEOUT_MS,
        "CHAT_MAX_TEXT_LENGTH", String.valueOf(TEXT), "CHAT_MAX_FRAME_BYTES", String.valueOf(256 * 1024),
        // the bound on what waits for a client is far away: the close under test is another one
        "CHAT_MAX_PENDING_BYTES", String.valueOf(64 << 20), "CHAT_MAX_CONNECTIONS_PER_IP", "25"));
    for (int i = 0; i + 1 < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** A peer that joins {@code room} and then never reads again. */
  private RawWebSocket peer(String uri, String room) {
    RawWebSocket p = RawWebSocket.connectTo(server.port(), uri, 4096);
    peers.add(p);
    p.sendFrame(0x81, new JsonObject().put("type", "join").put("room", room).encode(), true);
    return p;
  }

  /** Posts {@link #FLOOD_BYTES} into {@code room} through the HTTP API (no socket of its own to read). */
  private void flood(String room, Map<String, String> headers) {
    String text = "x".repeat(TEXT);
    for (int sent = 0; sent < FLOOD_BYTES; sent += TEXT) {
      assertThat(Http.post(node.port(), "/api/rooms/" + room + "/messages",
          new JsonObject().put("text", text).put("user", "flooder").encode(), headers).statusCode()).isEqualTo(201);
    }
  }

  private Set<Integer> ports() {
    return peers.stream().map(RawWebSocket::localPort).collect(Collectors.toSet());
  }

  private void awaitTornDown(String why) {
    Await.until("no connection of the peers left open on the node (" + why + ")", Duration.ofSeconds(20),
        () -> Sockets.established(server.port(), ports()) == 0);
    Await.until("the node counts them closed", Duration.ofSeconds(5),
        () -> server.metric("roomcast_connections") == 0.0);
  }

  /**
   * The reported case, on both write paths: the node in this JVM sends a batch's only frame straight to the socket
   * (Netty's epoll transport), the jar with {@code -Droomcast.sendNow=false} through Netty's outbound buffer.
   */
  @ParameterizedTest(name = "direct send {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("20 clients that stop reading are closed with 4008, their connections are torn down within the bound, "
      + "and their slots of the address's connection limit are free again")
  void tooSlowClientsAreTornDown(boolean directSend) {
    Map<String, String> env = settings("CHAT_MAX_PENDING_BYTES", "65536");
    if (directSend) {
      node = TestNode.start(env);
      server = new Server(node.port(), node::metric);
    } else {
      env.put("JAVA_TOOL_OPTIONS", "-Droomcast.sendNow=false");
      env.put("CHAT_LOG_LEVEL", "ERROR");
      jar = JarNode.start(dir, env);
      server = new Server(jar.port(), series -> TestNode.metric(jar.port(), series));
    }
    for (int i = 0; i < 20; i++) {
      peer("/ws?user=slow" + i, "flood");
    }
    Await.until("the peers joined", Duration.ofSeconds(10), () -> server.metric("roomcast_room_joins") == 20.0);
    String text = "y".repeat(TEXT);
    for (int i = 0; i < 40 && server.metric("roomcast_closes_total{code=\"4008\"}") < 20.0; i++) {
      Http.post(server.port(), "/api/rooms/flood/messages",
          new JsonObject().put("text", text).put("user", "flooder").encode(), Map.of());
    }
    Await.until("every peer closed with 4008", Duration.ofSeconds(10),
        () -> server.metric("roomcast_closes_total{code=\"4008\"}") == 20.0);
    awaitTornDown("closed as too slow");
    assertThat(server.metric("roomcast_closes_forced_total")).as("they never completed the close").isEqualTo(20.0);
    List<WsClient> fresh = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      fresh.add(WsClient.connect(client, server.port(), "fresh" + i));
    }
    assertThat(fresh).as("all 8 fresh connections got in under a limit of 25").hasSize(8);
    fresh.forEach(WsClient::close);
  }

  /** Rows: the close, the settings it needs, and what the stuck peer does to provoke it. */
  static Stream<Arguments> closes() {
    return Stream.of(
        row("1001 idle: the peer answers no ping", "1001",
            List.of("CHAT_IDLE_TIMEOUT_SECONDS", "2", "CHAT_PING_INTERVAL_SECONDS", "1"), (p, t) -> { }),
        row("4029 rate limit abused: the peer keeps asking", "4029",
            List.of("CHAT_SEND_BURST", "5", "CHAT_SEND_RATE_PER_SECOND", "1", "CHAT_RATE_LIMIT_STRIKES", "2"),
            (p, t) -> {
              for (int i = 0; i < 20; i++) {
                p.sendFrame(0x81, "{\"type\":\"rooms\"}", true);
              }
            }),
        row("1009 too large: the peer sends a message beyond maxFrameBytes", "1009", List.of(),
            (p, t) -> p.sendFrame(0x81, "{\"type\":\"send\",\"room\":\"stuck\",\"text\":\"" + "z".repeat(300_000)
                + "\"}", true)),
        row("4001 token expired: the peer's token runs out", "4001",
            List.of("CHAT_JWT_SECRET", SECRET, "CHAT_API_KEYS", API_KEY), (p, t) -> { }));
  }

  private static Arguments row(String name, String code, List<String> settings,
      BiConsumer<RawWebSocket, TestNode> provoke) {
    return Arguments.of(name, code, settings, provoke);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("closes")
  @DisplayName("a close the server starts toward a client that stopped reading ends its connection within the bound")
  void everyCloseIsBounded(String name, String code, List<String> extra, BiConsumer<RawWebSocket, TestNode> provoke) {
    node = TestNode.start(settings(extra.toArray(String[]::new)));
    server = new Server(node.port(), node::metric);
    boolean jwt = extra.contains("CHAT_JWT_SECRET");
    String uri = jwt ? "/ws?token=" + Tokens.hs256(vertx, SECRET).issue("stuck", 4, new JsonObject()) : "/ws?user=stuck";
    RawWebSocket p = peer(uri, "stuck");
    Await.until("the peer joined", Duration.ofSeconds(10), () -> node.metric("roomcast_room_joins") == 1.0);
    // the peer's buffers fill up: what the server writes from now on, its close frame included, waits
    flood("stuck", jwt ? Map.of("Authorization", "Bearer " + API_KEY) : Map.of());
    provoke.accept(p, node);
    Await.until("the peer closed with " + code, Duration.ofSeconds(15),
        () -> node.metric("roomcast_closes_total{code=\"" + code + "\"}") == 1.0);
    awaitTornDown(name);
  }
}
