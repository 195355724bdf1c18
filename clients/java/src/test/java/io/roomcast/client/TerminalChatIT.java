package io.roomcast.client;

import static io.roomcast.client.support.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.client.support.Recorder;
import io.roomcast.support.RedisServer;
import io.roomcast.client.support.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The terminal chat client (its jar, as a user runs it), driven through its standard input and output. */
class TerminalChatIT {
  private static final Path JAR = Path.of(System.getProperty("roomcast.chat.jar", "target/roomcast-chat.jar"));

  /** The chat's output lines of room messages ({@code HH:mm:ss [room] user: text}), as "user: text". */
  private static List<String> said(List<String> lines) {
    return lines.stream().filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d \\[[^]]+] .*"))
        .map(l -> l.substring(l.indexOf("] ") + 2)).collect(Collectors.toList());
  }

  /** Starts the chat jar as ann in {@code room} on {@code url}; its output lines go to {@code out} as they come. */
  private static Process startChat(String url, String room, List<String> out) throws IOException {
    Process chat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toAbsolutePath().toString(), url, "--user", "ann", "--room", room)
        .redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(chat.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          out.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    reader.start();
    return chat;
  }

  @Test
  @DisplayName("history, then live messages with time and sender, presence, what you type, /who, /rooms, /join, "
      + "/leave, /quit; across a restart of its node nothing is lost or printed twice")
  void chatsThroughStdinAndStdout() throws Exception {
    try (RedisServer redis = RedisServer.startProcess();
        ServerProcess a = ServerProcess.start(Map.of("REDIS_URL", redis.url()));
        ServerProcess b = ServerProcess.start(Map.of("REDIS_URL", redis.url()));
        RoomcastClient bob = RoomcastClient.builder(b.url()).user("bob").build()) {
      Recorder bobHears = new Recorder();
      bob.addListener(bobHears);
      get(bob.connect());
      get(bob.join("lobby"));
      get(bob.send("lobby", "earlier, before ann came"));

      List<String> out = new CopyOnWriteArrayList<>();
      Process chat = startChat(a.url(), "lobby", out);
      try (Writer in = new OutputStreamWriter(chat.getOutputStream(), StandardCharsets.UTF_8)) {
        Await.until("ann joined", () -> out.stream().anyMatch(l -> l.startsWith("* joined lobby")));
        assertThat(out).contains("* connected as ann");
        assertThat(said(out)).as("the room's history first").containsExactly("bob: earlier, before ann came");
        Await.until("bob sees ann arrive", () -> bobHears.presence.stream().anyMatch(p -> p.user().equals("ann")));

        get(bob.send("lobby", "hi ann"));
        Await.until("ann sees bob's message", () -> said(out).contains("bob: hi ann"));
        type(in, "hello bob");
        Await.until("bob gets ann's line", () -> bobHears.texts("lobby").contains("hello bob"));
        Await.until("ann sees her own line", () -> said(out).contains("ann: hello bob"));

        type(in, "/who");
        Await.until("members", () -> out.stream().anyMatch(l -> l.startsWith("* in lobby: ")
            && l.contains("ann") && l.contains("bob")));
        type(in, "/join garden");
        Await.until("joined garden", () -> out.stream().anyMatch(l -> l.startsWith("* joined garden")));
        type(in, "/rooms");
        Await.until("rooms", () -> out.stream().anyMatch(l -> l.startsWith("* rooms: ") && l.contains("lobby")
            && l.contains("garden")));
        type(in, "/leave garden");
        Await.until("left garden", () -> out.contains("* left garden"));
        type(in, "/join lobby");
        Await.until("back to lobby", () -> out.contains("* talking in lobby"));

        // ann's node restarts while bob goes on talking
        int before = said(out).size();
        a.stop();
        Await.until("the chat notices", () -> out.contains("* reconnecting"));
        List<String> meanwhile = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          meanwhile.add("bob: while you were away " + i);
          get(bob.send("lobby", "while you were away " + i));
        }
        a.start();
        Await.until("back", Duration.ofSeconds(30), () -> out.stream().anyMatch(l -> l.startsWith("* back in lobby")));
        get(bob.send("lobby", "welcome back"));
        Await.until("the live line", () -> said(out).contains("bob: welcome back"));
        List<String> after = said(out).subList(before, said(out).size());
        List<String> expected = new ArrayList<>(meanwhile);
        expected.add("bob: welcome back");
        assertThat(after).as("after the restart: each line once, in order").containsExactlyElementsOf(expected);

        type(in, "/quit");
        assertThat(chat.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(chat.exitValue()).isZero();
      } finally {
        chat.destroyForcibly();
      }
    }
  }

  @Test
  @DisplayName("in a room where nothing was said yet, the chat's node restarts while another user says a line: the chat "
      + "prints it once it is back, with no note of missing messages")
  void resumesAQuietRoom() throws Exception {
    try (RedisServer redis = RedisServer.startProcess();
        ServerProcess a = ServerProcess.start(Map.of("REDIS_URL", redis.url()));
        ServerProcess b = ServerProcess.start(Map.of("REDIS_URL", redis.url()));
        RoomcastClient bob = RoomcastClient.builder(b.url()).user("bob").build()) {
      get(bob.connect());
      List<String> out = new CopyOnWriteArrayList<>();
      Process chat = startChat(a.url(), "quiet", out);
      try (Writer in = new OutputStreamWriter(chat.getOutputStream(), StandardCharsets.UTF_8)) {
        Await.until("ann joined", () -> out.stream().anyMatch(l -> l.startsWith("* joined quiet")));
        get(bob.join("quiet"));
        a.stop();
        Await.until("the chat notices", () -> out.contains("* reconnecting"));
        get(bob.send("quiet", "line 1"));
        a.start();
        Await.until("back", Duration.ofSeconds(30), () -> out.stream().anyMatch(l -> l.startsWith("* back in quiet")));
        Await.until("line 1 printed", () -> said(out).contains("bob: line 1"));
        assertThat(out).as("a resume that recovered: no note").contains("* back in quiet");
        type(in, "/quit");
        assertThat(chat.waitFor(20, TimeUnit.SECONDS)).isTrue();
      } finally {
        chat.destroyForcibly();
      }
    }
  }

  private static void type(Writer in, String line) throws IOException {
    in.write(line + "\n");
    in.flush();
  }
}
