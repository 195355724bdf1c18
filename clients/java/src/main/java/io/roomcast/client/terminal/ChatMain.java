package io.roomcast.client.terminal;

import io.roomcast.client.ConnectionState;
import io.roomcast.client.Joined;
import io.roomcast.client.Message;
import io.roomcast.client.Presence;
import io.roomcast.client.RoomcastClient;
import io.roomcast.client.RoomcastException;
import io.roomcast.client.RoomcastListener;
import io.roomcast.client.Welcome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A terminal chat client on the library:
 * {@code java -jar roomcast-chat.jar ws://localhost:8080/ws --user ann --room lobby}. It prints the room's recent
 * history, then live messages ({@code 12:00:01 [lobby] ann: hello}), presence ({@code * bob joined lobby}) and
 * connection changes ({@code * reconnecting}); a typed line goes to the current room; {@code /join ROOM},
 * {@code /leave [ROOM]}, {@code /who}, {@code /rooms}, {@code /quit}. Across a server restart it misses and repeats
 * nothing: the library rejoins from the last id it printed.
 */
public final class ChatMain implements RoomcastListener {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final String USAGE = "usage: java -jar roomcast-chat.jar ws://HOST:PORT/ws [--user NAME | --token JWT]"
      + " [--room ROOM] [--history N]";

  private final PrintStream out;
  private final RoomcastClient client;
  private final int historySize;
  /** The server speaks the position extension: every room can be resumed, a quiet one included. */
  private volatile boolean positions;
  private volatile String current;
  private final java.util.Set<String> joinedRooms = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private ChatMain(PrintStream out, RoomcastClient.Builder builder, int historySize) {
    this.out = out;
    this.historySize = historySize;
    this.client = builder.build();
    client.addListener(this);
  }

  public static void main(String[] args) throws Exception {
    String url = null;
    String user = null;
    String token = null;
    String room = "lobby";
    int history = 20;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      boolean hasValue = i + 1 < args.length;
      if (a.equals("--user") && hasValue) {
        user = args[++i];
      } else if (a.equals("--token") && hasValue) {
        token = args[++i];
      } else if (a.equals("--room") && hasValue) {
        room = args[++i];
      } else if (a.equals("--history") && hasValue) {
        history = Integer.parseInt(args[++i]);
      } else if (!a.startsWith("--") && url == null) {
        url = a;
      } else {
        System.err.println(USAGE);
        System.exit(2);
      }
    }
    if (url == null) {
      System.err.println(USAGE);
      System.exit(2);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    RoomcastClient.Builder b = RoomcastClient.builder(url);
    if (token != null) {
      b.token(token);
    } else if (user != null) {
      b.user(user);
    }
    ChatMain chat = new ChatMain(out, b, history);
    int code = chat.run(room, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    System.exit(code);
  }

  private int run(String room, BufferedReader in) throws Exception {
    try {
      Welcome welcome = await(client.connect());
      positions = welcome.features().contains("position");
      say("* connected as " + welcome.user());
      join(room);
      for (String line; (line = in.readLine()) != null; ) {
        line = line.strip();
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("/")) {
          if (!command(line)) {
            break;
          }
        } else if (current == null) {
          say("! join a room first: /join ROOM");
        } else {
          String text = line;
          String to = current;
          // printed when it comes back as a message; only a refusal is shown here
          client.send(to, text).whenComplete((id, err) -> {
            if (err != null) {
              error(err);
            }
          });
        }
      }
      return 0;
    } catch (RoomcastException e) {
      say("! " + e.code() + ": " + e.getMessage());
      return 1;
    } finally {
      client.close();
    }
  }

  /** Returns false for /quit. */
  private boolean command(String line) throws Exception {
    String[] parts = line.split("\\s+", 2);
    String arg = parts.length > 1 ? parts[1].strip() : null;
    try {
      switch (parts[0]) {
        case "/quit":
          return false;
        case "/join":
          if (arg == null) {
            say("! usage: /join ROOM");
          } else {
            join(arg);
          }
          break;
        case "/leave": {
          String room = arg != null ? arg : current;
          if (room != null) {
            await(client.leave(room));
            joinedRooms.remove(room);
            say("* left " + room);
            if (room.equals(current)) {
              current = null;
            }
          }
          break;
        }
        case "/who":
          if (current != null) {
            say("* in " + current + ": " + String.join(", ", await(client.members(current))));
          }
          break;
        case "/rooms":
          say("* rooms: " + String.join(", ", await(client.rooms())));
          break;
        default:
          say("! commands: /join ROOM, /leave [ROOM], /who, /rooms, /quit");
      }
    } catch (RoomcastException e) {
      error(e);
    }
    return true;
  }

  /**
   * Prints the room's recent history, then joins from its newest id: the server replays anything stored in between,
   * so the printed lines continue without a gap or a repeat.
   */
  private void join(String room) throws Exception {
    if (joinedRooms.contains(room)) {
      current = room;
      say("* talking in " + room);
      return;
    }
    List<Message> recent;
    try {
      recent = await(client.history(room, historySize));
    } catch (RoomcastException e) {
      recent = List.of();   // a room that does not exist yet has no history
    }
    recent.forEach(this::print);
    Joined joined = await(client.join(room, recent.isEmpty() ? null : recent.get(recent.size() - 1).id()));
    current = room;
    joinedRooms.add(room);
    say("* joined " + room + " (" + String.join(", ", joined.members()) + ")");
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RoomcastException) {
        throw (RoomcastException) e.getCause();
      }
      throw e;
    } catch (TimeoutException e) {
      throw new RoomcastException("timeout", "no answer within 30 s");
    }
  }

  private void print(Message m) {
    say(TIME.format(Instant.ofEpochMilli(m.ts())) + " [" + m.room() + "] " + m.user() + ": " + m.text());
  }

  private void error(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof RoomcastException) {
      say("! " + ((RoomcastException) c).code() + ": " + c.getMessage());
    } else {
      say("! " + c);
    }
  }

  private synchronized void say(String line) {
    out.println(line);
  }

  @Override
  public void onMessage(Message message) {
    print(message);
  }

  @Override
  public void onPresence(Presence p) {
    say("* " + p.user() + (p.joined() ? " joined " : " left ") + p.room());
  }

  @Override
  public void onStateChange(ConnectionState state) {
    if (state == ConnectionState.RECONNECTING) {
      say("* reconnecting");
    }
  }

  /**
   * A rejoin after a reconnect: recovered, every message sent meanwhile follows (printed as it comes); else says what
   * happened. A server that gives positions resumes every room, so an unrecovered resume means it no longer holds all
   * that was sent meanwhile (trimmed, too old, or lost); one that does not cannot resume a room where no message was
   * seen yet.
   */
  @Override
  public void onResumed(String room, boolean recovered, List<String> members) {
    say("* back in " + room + (recovered ? "" : positions
        ? " (messages sent meanwhile may be missing: the server no longer holds all of them)"
        : " (messages sent meanwhile may be missing: this server cannot resume a room before a message was seen)"));
  }

  @Override
  public void onError(RoomcastException error) {
    say("! " + error.code() + ": " + error.getMessage());
  }
}
