// The bare Vert.x broadcast the benchmark compares Roomcast with: what a developer writes in an afternoon. One
// verticle per event loop on one port, a shared map of room -> sockets, and each received message relayed to every
// member of its room. It speaks just enough of protocol v1 for the load generator (welcome, join -> joined,
// send -> message to every member and ok), with no persistence, ids from a counter, and no limits.
//
//   java -cp target/chat-server.jar bench/baseline/Broadcast.java PORT [native] [redis://HOST:PORT]
// With "native", Vert.x prefers its native transport (epoll), as Roomcast does; without it, Vert.x's default (NIO).
// With a Redis URL, several of these processes share rooms the way the Redis adapters of Socket.IO and the like do:
// each process PSUBSCRIBEs one pattern, a received message is PUBLISHed to its room's channel (ok once Redis took it),
// and every process relays what its subscription brings to its own members of the room. Still no persistence.
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

public class Broadcast extends VerticleBase {
  static final Map<String, Set<ServerWebSocket>> ROOMS = new ConcurrentHashMap<>();
  static final AtomicLong IDS = new AtomicLong();
  static final String CHANNELS = "baseline:room:";
  static int port;
  static Redis redis;   // publishes; null without Redis

  public static void main(String[] args) {
    port = Integer.parseInt(args[0]);
    java.util.List<String> opts = java.util.List.of(args).subList(1, args.length);
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(opts.contains("native")));
    String redisUrl = opts.stream().filter(a -> a.startsWith("redis://")).findFirst().orElse(null);
    Future<?> subscribed = Future.succeededFuture();
    if (redisUrl != null) {
      RedisOptions options = new RedisOptions().setConnectionString(redisUrl).setMaxPoolWaiting(4096);
      redis = Redis.createClient(vertx, options);
      subscribed = Redis.createClient(vertx, options).connect().compose(sub -> {
        sub.handler(Broadcast::relay);
        return sub.send(Request.cmd(Command.PSUBSCRIBE).arg(CHANNELS + "*"));
      });
    }
    int loops = Runtime.getRuntime().availableProcessors();
    subscribed.compose(v -> vertx.deployVerticle(Broadcast::new, new DeploymentOptions().setInstances(loops)))
        .onSuccess(id -> System.out.println("baseline broadcast listening on " + port + " with " + loops + " event loops, "
            + (vertx.isNativeTransportEnabled() ? "native" : "NIO") + " transport"
            + (redis == null ? "" : ", rooms shared through Redis")))
        .onFailure(e -> { e.printStackTrace(); System.exit(1); });
  }

  /** A message of some process's member, from the subscription: to this process' members of its room. */
  static void relay(Response r) {
    if ((r.type() == ResponseType.PUSH || r.type() == ResponseType.MULTI) && r.size() == 4
        && "pmessage".equals(r.get(0).toString())) {
      String room = r.get(2).toString().substring(CHANNELS.length());
      broadcast(room, r.get(3).toString());
    }
  }

  static void broadcast(String room, String message) {
    for (ServerWebSocket member : ROOMS.getOrDefault(room, Set.of())) {
      member.writeTextMessage(message);
    }
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
          String ok = new JsonObject().put("type", "ok").put("ref", f.getString("ref")).put("room", room)
              .put("id", id).encode();
          if (redis == null) {
            broadcast(room, message);
            ws.writeTextMessage(ok);
          } else {
            redis.send(Request.cmd(Command.PUBLISH).arg(CHANNELS + room).arg(message))
                .onSuccess(n -> ws.writeTextMessage(ok))
                .onFailure(e -> ws.writeTextMessage("{\"type\":\"error\",\"code\":\"unavailable\",\"message\":\"baseline\"}"));
          }
        }
        default -> ws.writeTextMessage("{\"type\":\"error\",\"code\":\"unknown_type\",\"message\":\"baseline\"}");
      }
    });
    ws.closeHandler(v -> joined.forEach(r -> ROOMS.getOrDefault(r, Set.of()).remove(ws)));
  }
}
