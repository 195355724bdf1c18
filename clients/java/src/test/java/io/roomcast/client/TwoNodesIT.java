package io.roomcast.client;

import static io.roomcast.client.support.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.client.support.Recorder;
import io.roomcast.support.RedisServer;
import io.roomcast.client.support.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The library against two real nodes sharing a real redis-server. */
class TwoNodesIT {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private RoomcastClient connect(RoomcastClient.Builder b, Recorder r) {
    RoomcastClient c = keep(b.build());
    c.addListener(r);
    get(c.connect());
    return c;
  }

  /** Ann, connected to {@code node}, reconnecting quickly (backoff 0.1 to 1 s). */
  private RoomcastClient annOn(ServerProcess node, Recorder hears) {
    return connect(RoomcastClient.builder(node.url()).user("ann")
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), hears);
  }

  /** Two nodes sharing a fresh redis-server. */
  private ServerProcess[] twoNodes() {
    RedisServer redis = keep(RedisServer.startProcess());
    Map<String, String> env = Map.of("REDIS_URL", redis.url());
    return new ServerProcess[] {keep(ServerProcess.start(env)), keep(ServerProcess.start(env))};
  }

  @Test
  @DisplayName("the node a client is on restarts (SIGTERM, drain 1012) while another node's user keeps sending: the "
      + "client reconnects, rejoins from its last id and gets every message once, in order; its own send made during "
      + "the outage is stored once")
  void survivesARestartOfItsNode() {
    ServerProcess[] nodes = twoNodes();
    ServerProcess a = nodes[0];
    ServerProcess b = nodes[1];
    Recorder annHears = new Recorder();
    RoomcastClient ann = annOn(a, annHears);
    RoomcastClient bob = connect(RoomcastClient.builder(b.url()).user("bob"), new Recorder());
    get(ann.join("ops"));
    get(bob.join("ops"));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.add("before " + i);
      get(bob.send("ops", "before " + i));
    }
    Await.until("ann is up to date", () -> annHears.texts("ops").size() == 3);

    a.stop();
    Await.until("ann lost her node", () -> !annHears.reconnectCodes().isEmpty());
    assertThat(annHears.reconnectCodes()).first().as("drained by her node").isEqualTo(1012);
    for (int i = 0; i < 10; i++) {
      expected.add("during " + i);
      get(bob.send("ops", "during " + i));
    }
    CompletableFuture<String> mine = ann.send("ops", "ann during the outage");
    a.start();
    String mineId = get(mine);
    for (int i = 0; i < 3; i++) {
      get(bob.send("ops", "after " + i));
    }
    List<String> all = get(bob.history("ops", 100)).stream().map(Message::text).collect(Collectors.toList());
    Await.until("ann got everything", () -> annHears.texts("ops").size() >= all.size());
    assertThat(annHears.texts("ops")).as("once each, in the room's order").containsExactlyElementsOf(all);
    assertThat(all).containsSubsequence(expected).containsOnlyOnce("ann during the outage");
    assertThat(get(bob.history("ops", 100))).extracting(Message::id).containsOnlyOnce(mineId);
    assertThat(annHears.resumed).containsExactly("ops recovered");
  }

  @Test
  @DisplayName("in a room where nothing was said yet, the client's node restarts and another node's user speaks while it "
      + "reconnects: the client rejoins from the position its join gave and gets the line, recovered")
  void resumesAQuietRoom() {
    ServerProcess[] nodes = twoNodes();
    ServerProcess a = nodes[0];
    ServerProcess b = nodes[1];
    Recorder annHears = new Recorder();
    RoomcastClient ann = annOn(a, annHears);
    assertThat(get(ann.connect()).features()).as("the welcome, once connected").contains("position");
    RoomcastClient bob = connect(RoomcastClient.builder(b.url()).user("bob"), new Recorder());
    Joined joined = get(ann.join("fresh"));
    assertThat(joined.last()).as("a position, though the room holds no message").isNotNull();
    get(bob.join("fresh"));

    a.stop();
    Await.until("ann lost her node", () -> !annHears.reconnectCodes().isEmpty());
    get(bob.send("fresh", "line 1"));
    a.start();
    Await.until("ann is back", () -> !annHears.resumed.isEmpty());
    assertThat(annHears.resumed).containsExactly("fresh recovered");
    Await.until("ann got line 1", () -> annHears.texts("fresh").contains("line 1"));
    get(bob.send("fresh", "line 2"));
    Await.until("and the next", () -> annHears.texts("fresh").contains("line 2"));
    assertThat(annHears.texts("fresh")).containsExactly("line 1", "line 2");
  }

  @Test
  @DisplayName("an app that stops consuming stops reading; the server closes it as too slow (4008); once the app "
      + "catches up the client reconnects at once and resumes: every message once, in order")
  void slowConsumerResumes() throws Exception {
    RedisServer redis = keep(RedisServer.startProcess());
    Map<String, String> env = Map.of("REDIS_URL", redis.url(), "CHAT_MAX_PENDING_BYTES", "65536",
        "CHAT_SEND_RATE_PER_SECOND", "10000", "CHAT_SEND_BURST", "10000", "CHAT_HISTORY_SIZE", "10000");
    ServerProcess a = keep(ServerProcess.start(env));
    ServerProcess b = keep(ServerProcess.start(env));
    ExecutorService app = Executors.newSingleThreadExecutor(r -> new Thread(r, "busy-app"));
    keep(app::shutdownNow);
    Recorder annHears = new Recorder();
    RoomcastClient ann = connect(RoomcastClient.builder(a.url()).user("ivy").callbackExecutor(app)
        .maxBufferedFrames(16), annHears);
    RoomcastClient bob = connect(RoomcastClient.builder(b.url()).user("jon"), new Recorder());
    get(ann.join("flood"));
    get(bob.join("flood"));

    CountDownLatch busy = new CountDownLatch(1);
    app.execute(() -> {
      try {
        busy.await();   // the app is stuck: nothing it is handed runs
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    String text = "x".repeat(3000);
    List<CompletableFuture<String>> sent = new ArrayList<>();
    int count = 0;
    while (closes4008(a) == 0) {
      assertThat(count).as("the server closes the stuck client before 6000 messages").isLessThan(6000);
      for (int i = 0; i < 200; i++) {
        sent.add(bob.send("flood", count++ + " " + text));
      }
      CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get();
    }
    busy.countDown();
    int total = count;
    Await.until("ann caught up", Duration.ofSeconds(60), () -> annHears.messages.size() >= total);
    List<String> numbers = annHears.texts("flood").stream().map(t -> t.substring(0, t.indexOf(' ')))
        .collect(Collectors.toList());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      expected.add(Integer.toString(i));
    }
    assertThat(numbers).containsExactlyElementsOf(expected);
    assertThat(annHears.reconnectCodes()).contains(4008);
    assertThat(annHears.resumed).contains("flood recovered");
  }

  /** How many connections the node closed with 4008 ({@code roomcast_closes_total} on /metrics). */
  private static double closes4008(ServerProcess node) {
    try {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + node.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("(?m)^roomcast_closes_total\\{[^}]*code=\"4008\"[^}]*} (\\S+)$").matcher(body);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
