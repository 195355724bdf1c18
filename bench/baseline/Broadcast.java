// The bare Vert.x broadcast the benchmark compares Roomcast with: what a developer writes in an afternoon. One
// verticle per event loop on one port, a shared map of room -> sockets, and each received message relayed to every
// member of its room. It speaks just enough of protocol v1 for the load generator (welcome, join -> joined,
// send -> message to every member and ok), with no persistence, ids from a counter, and no limits.
//
//   java -cp target/chat-server.jar bench/baseline/Broadcast.java PORT [native]
// With "native", Vert.x prefers its native transport (epoll), as Roomcast does; without it, Vert.x's default (NIO).
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

public class Broadcast extends VerticleBase {
  static final Map<String, Set<ServerWebSocket>> ROOMS = new ConcurrentHashMap<>();
  static final AtomicLong IDS = new AtomicLong();
  static int port;

  public static void main(String[] args) {
    port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions()
        .setPreferNativeTransport(args.length > 1 && args[1].equals("native")));
    int loops = Runtime.getRuntime().availableProcessors();
    vertx.deployVerticle(Broadcast::new, new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("baseline broadcast listening on " + port + " with " + loops + " event loops, "
            + (vertx.isNativeTransportEnabled() ? "native" : "NIO") + " transport"))
        .onFailure(e -> { e.printStackTrace(); System.exit(1); });
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1")
            .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false))
        .webSocketHandler(this::session)
        .listen();
  }

  private void session(ServerWebSocket ws) {
    String query = ws.query() == null ? "" : ws.query();
    String user = query.startsWith("user=") ? query.substring(5) : "guest";
    Set<String> joined = ConcurrentHashMap.newKeySet();
    ws.writeTextMessage(new JsonObject().put("type", "welcome").put("user", user).put("session", user)
        .put("node", "baseline").put("protocol", 1).encode());
    ws.textMessageHandler(text -> {
      JsonObject f = new JsonObject(text);
      String room = f.getString("room");
      switch (f.getString("type", "")) {
        case "join" -> {
          ROOMS.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(ws);
          joined.add(room);
          ws.writeTextMessage(new JsonObject().put("type", "joined").put("ref", f.getString("ref")).put("room", room)
              .put("members", new io.vertx.core.json.JsonArray()).put("recovered", false).encode());
        }
        case "send" -> {
          String id = System.currentTimeMillis() + "-" + IDS.incrementAndGet();
          String message = new JsonObject().put("type", "message").put("room", room).put("id", id).put("user", user)
              .put("text", f.getString("text")).put("ts", System.currentTimeMillis()).encode();
          for (ServerWebSocket member : ROOMS.getOrDefault(room, Set.of())) {
            member.writeTextMessage(message);
          }
          ws.writeTextMessage(new JsonObject().put("type", "ok").put("ref", f.getString("ref")).put("room", room)
              .put("id", id).encode());
        }
        default -> ws.writeTextMessage("{\"type\":\"error\",\"code\":\"unknown_type\",\"message\":\"baseline\"}");
      }
    });
    ws.closeHandler(v -> joined.forEach(r -> ROOMS.getOrDefault(r, Set.of()).remove(ws)));
  }
}
