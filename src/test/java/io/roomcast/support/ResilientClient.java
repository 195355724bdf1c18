package io.roomcast.support;

import io.roomcast.protocol.MessageId;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * A client that behaves as the protocol asks of a good client, for the loss checker: it reconnects to another node
 * when its connection closes, rejoins its room with {@code since} = the last id it saw, and retries unacknowledged
 * sends with their idempotency keys. It records everything it receives and never de-duplicates, so the checker sees
 * exactly what the server delivered. All state changes run on one Vert.x context.
 */
public final class ResilientClient {
  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient wsClient;
  private final String user;
  private final String room;
  private final IntSupplier nextPort;
  private final List<String> received = new ArrayList<>();
  /** key -> text of the sends not acknowledged yet, in send order. */
  private final Map<String, String> unacked = new LinkedHashMap<>();
  /** key -> id of the acknowledged sends. */
  private final Map<String, String> acked = new LinkedHashMap<>();
  private ClientWebSocket ws;
  private boolean joined;
  private boolean stopped;
  private String lastId;
  private int seq;
  private int connections;
  /** The resumes answered {@code recovered: false}: what the client was told it may have missed. */
  private final List<Told> told = new ArrayList<>();
  /** What happened to the connection, for a failure report. */
  private final List<String> journal = new ArrayList<>();

  public ResilientClient(Vertx vertx, WebSocketClient wsClient, String user, String room, IntSupplier nextPort) {
    this.vertx = vertx;
    // one event-loop context for this client: every handler and timer below runs on it
    this.context = vertx.getOrCreateContext();
    this.wsClient = wsClient;
    this.user = user;
    this.room = room;
    this.nextPort = nextPort;
  }

  public void start() {
    context.runOnContext(v -> connect());
  }

  private void connect() {
    if (stopped) {
      return;
    }
    ClientWebSocket socket = wsClient.webSocket();
    socket.textMessageHandler(t -> onFrame(new JsonObject(t)));
    socket.closeHandler(v -> onClosed(socket));
    socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nextPort.getAsInt())
            .setURI("/ws?user=" + user))
        .onSuccess(s -> {
          ws = socket;
          connections++;
          journal.add("connected to " + socket.remoteAddress() + ", joining since " + lastId);
          JsonObject join = new JsonObject().put("type", "join").put("room", room).put("ref", "join");
          if (lastId != null) {
            join.put("since", lastId);
          }
          socket.writeTextMessage(join.encode());
        })
        .onFailure(e -> vertx.setTimer(50, t -> connect()));
  }

  private void onClosed(ClientWebSocket socket) {
    if (socket != ws) {
      return;
    }
    ws = null;
    joined = false;
    journal.add("closed " + socket.closeStatusCode() + " after " + lastId);
    vertx.setTimer(20, t -> connect());
  }

  private void onFrame(JsonObject f) {
    String type = f.getString("type");
    String ref = f.getString("ref");
    if ("joined".equals(type)) {
      joined = true;
      journal.add("joined, recovered " + f.getBoolean("recovered") + ", last " + f.getString("last"));
      if (lastId != null && !f.getBoolean("recovered")) {
        told.add(new Told(MessageId.parse(lastId), System.currentTimeMillis()));
      }
      // the resume point until a message comes: where this connection's stream starts (the position extension)
      if (f.getString("last") != null) {
        lastId = f.getString("last");
      }
      unacked.forEach(this::write);
    } else if ("message".equals(type) && room.equals(f.getString("room"))) {
      received.add(f.getString("id"));
      lastId = f.getString("id");
    } else if ("ok".equals(type) && ref != null && ref.startsWith("s:")) {
      String key = ref.substring(2);
      if (unacked.remove(key) != null) {
        acked.put(key, f.getString("id"));
      }
    } else if ("error".equals(type) && "join".equals(ref)) {
      // the join was refused (broker unavailable): try again
      journal.add("join refused: " + f.getString("code"));
      vertx.setTimer(200, t -> {
        if (ws != null && !joined) {
          JsonObject join = new JsonObject().put("type", "join").put("room", room).put("ref", "join");
          if (lastId != null) {
            join.put("since", lastId);
          }
          ws.writeTextMessage(join.encode());
        }
      });
    } else if ("error".equals(type) && ref != null && ref.startsWith("s:") && joined) {
      // refused (broker unavailable, rate limited): the send stays unacknowledged and is retried
      String key = ref.substring(2);
      vertx.setTimer(200, t -> {
        if (joined && unacked.containsKey(key)) {
          write(key, unacked.get(key));
        }
      });
    }
  }

  private void write(String key, String text) {
    if (ws != null && joined) {
      ws.writeTextMessage(new JsonObject().put("type", "send").put("room", room).put("text", text).put("key", key)
          .put("ref", "s:" + key).encode());
    }
  }

  /** Queues a message; it is sent now if joined, else after the next join. */
  public void send() {
    context.runOnContext(v -> {
      String key = user + "-" + (++seq);
      unacked.put(key, "message " + seq + " from " + user);
      write(key, unacked.get(key));
    });
  }

  /** Closes the connection from the client side; the client reconnects and resumes as after any close. */
  public void dropConnection() {
    context.runOnContext(v -> {
      if (ws != null) {
        ws.close();
      }
    });
  }

  public void stop() {
    context.runOnContext(v -> {
      stopped = true;
      if (ws != null) {
        ws.close();
      }
    });
  }

  public String user() {
    return user;
  }

  public String room() {
    return room;
  }

  /**
   * A resume from {@code since} answered {@code recovered: false} at {@code atMillis}: the client was told that
   * messages after {@code since} stored before then may be missing (the protocol's answer is to read the history).
   */
  public record Told(MessageId since, long atMillis) {
    public boolean covers(MessageId id) {
      return id.compareTo(since) > 0 && id.millis() < atMillis;
    }
  }

  /** A snapshot taken on the client's context. */
  public record Snapshot(List<String> received, Map<String, String> acked, int unacked, int connections,
      List<Told> told, List<String> journal) {
    /** The resumes answered {@code recovered: false}. */
    public int notRecovered() {
      return told.size();
    }

    /** The room was joined at least once: every message stored from then on is owed to this client. */
    public boolean everJoined() {
      return journal.stream().anyMatch(e -> e.startsWith("joined"));
    }
  }

  public Snapshot snapshot() {
    Promise<Snapshot> p = Promise.promise();
    context.runOnContext(v -> p.complete(new Snapshot(List.copyOf(received), Map.copyOf(acked), unacked.size(),
        connections, List.copyOf(told), List.copyOf(journal))));
    return Await.result(p.future());
  }
}
