package io.roomcast.client;

import static io.roomcast.client.support.Futures.errorCode;
import static io.roomcast.client.support.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.client.support.Recorder;
import io.roomcast.client.support.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The library against one real node (in-memory broker). */
class ClientIT {
  private static ServerProcess node;
  private final List<RoomcastClient> clients = new ArrayList<>();

  @BeforeAll
  static void startNode() {
    node = ServerProcess.start(Map.of());
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  @org.junit.jupiter.api.AfterEach
  void closeClients() {
    clients.forEach(RoomcastClient::close);
  }

  private RoomcastClient client(RoomcastClient.Builder b, Recorder r) {
    RoomcastClient c = b.build();
    clients.add(c);
    c.addListener(r);
    get(c.connect());
    return c;
  }

  private RoomcastClient client(String user, Recorder r) {
    return client(RoomcastClient.builder(node.url()).user(user), r);
  }

  @Test
  @DisplayName("every request resolves its future: create, join, send (the stored id), history, members, rooms, leave; "
      + "messages, presence and typing reach the listeners; a refusal fails the future with its code")
  void requestsAndEvents() {
    Recorder annHears = new Recorder();
    Recorder bobHears = new Recorder();
    RoomcastClient ann = client("ann", annHears);
    RoomcastClient bob = client("bob", bobHears);
    assertThat(ann.user()).isEqualTo("ann");
    assertThat(get(ann.create("kitchen"))).isTrue();
    assertThat(get(bob.create("kitchen"))).as("already there").isFalse();
    Await.until("bob hears of the new room", () -> bobHears.rooms.contains("kitchen created"));

    assertThat(get(ann.join("kitchen")).members()).contains("ann");
    Joined joined = get(bob.join("kitchen"));
    assertThat(joined.members()).contains("ann", "bob");
    Await.until("ann sees bob join", () -> annHears.presence.stream()
        .anyMatch(p -> p.user().equals("bob") && p.joined() && p.room().equals("kitchen")));

    String id = get(ann.send("kitchen", "soup is ready"));
    Await.until("both get the message", () -> annHears.ids("kitchen").contains(id)
        && bobHears.ids("kitchen").contains(id));
    Message m = bobHears.messages.get(0);
    assertThat(m.user()).isEqualTo("ann");
    assertThat(m.text()).isEqualTo("soup is ready");
    assertThat(m.ts()).isPositive();

    bob.typing("kitchen");
    Await.until("ann sees bob typing", () -> annHears.typing.contains("kitchen bob"));
    assertThat(bobHears.typing).as("not one's own").isEmpty();

    List<Message> history = get(bob.history("kitchen", 10));
    assertThat(history).extracting(Message::id).containsExactly(id);
    assertThat(get(ann.members("kitchen"))).containsExactlyInAnyOrder("ann", "bob");
    assertThat(get(ann.rooms())).contains("kitchen");

    assertThat(errorCode(ann.send("elsewhere", "hi"))).isEqualTo("not_joined");
    assertThat(errorCode(ann.join("no spaces"))).isEqualTo("invalid_room");
    assertThat(errorCode(ann.send("kitchen", "x".repeat(4001)))).isEqualTo("text_too_long");

    get(bob.leave("kitchen"));
    Await.until("ann sees bob leave", () -> annHears.presence.stream()
        .anyMatch(p -> p.user().equals("bob") && !p.joined()));
    get(ann.send("kitchen", "after bob left"));
    Await.until("ann gets her own message", () -> annHears.texts("kitchen").contains("after bob left"));
    assertThat(bobHears.texts("kitchen")).doesNotContain("after bob left");
    assertThat(annHears.texts("kitchen")).as("each message once").containsExactly("soup is ready", "after bob left");
    assertThat(get(ann.ping())).isNull();
  }

  @Test
  @DisplayName("listeners run and futures complete on the executor the app chose, one task at a time")
  void callbackExecutorIsHonoured() {
    ExecutorService main = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-main"));
    try {
      Recorder hears = new Recorder();
      RoomcastClient ann = client(RoomcastClient.builder(node.url()).user("cora").callbackExecutor(main), hears);
      Set<String> futureThreads = ConcurrentHashMap.newKeySet();
      get(ann.join("exec").thenApply(j -> futureThreads.add(Thread.currentThread().getName())));
      get(ann.send("exec", "where am I").thenApply(id -> futureThreads.add(Thread.currentThread().getName())));
      Await.until("the message", () -> hears.texts("exec").contains("where am I"));
      assertThat(hears.threads).containsExactly("app-main");
      assertThat(futureThreads).containsExactly("app-main");
    } finally {
      main.shutdownNow();
    }
  }

  @Test
  @DisplayName("pause closes cleanly and resume catches up: what was sent meanwhile arrives once, in order, and a send "
      + "made while paused is stored once after resuming")
  void pauseAndResume() {
    Recorder annHears = new Recorder();
    RoomcastClient ann = client("dora", annHears);
    RoomcastClient bob = client("eli", new Recorder());
    get(ann.join("pause"));
    get(bob.join("pause"));
    get(bob.send("pause", "before"));
    Await.until("before", () -> annHears.texts("pause").contains("before"));

    ann.pause();
    Await.until("paused", () -> ann.state() == ConnectionState.PAUSED);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add("while paused " + i);
      get(bob.send("pause", "while paused " + i));
    }
    CompletableFuture<String> queued = ann.send("pause", "typed while paused");
    assertThat(queued).isNotDone();
    ann.resume();
    String queuedId = get(queued);
    Await.until("caught up", () -> annHears.texts("pause").contains("typed while paused")
        && annHears.texts("pause").containsAll(sent));
    List<String> expected = new ArrayList<>(List.of("before"));
    expected.addAll(sent);
    expected.add("typed while paused");
    assertThat(annHears.texts("pause")).containsExactlyElementsOf(expected);
    assertThat(get(bob.history("pause", 50))).extracting(Message::id).containsOnlyOnce(queuedId);
    assertThat(annHears.states).containsSubsequence(ConnectionState.PAUSED, ConnectionState.RECONNECTING,
        ConnectionState.CONNECTED);
  }

  @Test
  @DisplayName("the heartbeat notices a server that stopped answering (frozen, socket open) and the client reconnects "
      + "and resumes when it answers again")
  void heartbeatDetectsAHalfOpenConnection() {
    try (ServerProcess frozen = ServerProcess.start(Map.of())) {
      Recorder hears = new Recorder();
      RoomcastClient ann = client(RoomcastClient.builder(frozen.url()).user("fay")
          .heartbeat(Duration.ofMillis(300), Duration.ofMillis(700)).backoff(Duration.ofMillis(100),
              Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(2)), hears);
      get(ann.join("ice"));
      frozen.freeze();
      try {
        Await.until("the client gives the connection up", () -> hears.reconnectCodes().contains(1006));
      } finally {
        frozen.thaw();
      }
      Await.until("connected again", () -> ann.state() == ConnectionState.CONNECTED && hears.resumed.size() == 1);
      get(ann.send("ice", "thawed"));
      Await.until("the message", () -> hears.texts("ice").contains("thawed"));
    }
  }

  @Test
  @DisplayName("sends refused rate_limited are retried one at a time with backoff: each is stored once, in the order "
      + "sent, and the connection is never closed for abuse")
  void rateLimitedSendsArePaced() {
    try (ServerProcess strict = ServerProcess.start(Map.of("CHAT_SEND_RATE_PER_SECOND", "4",
        "CHAT_SEND_BURST", "3"))) {
      Recorder hears = new Recorder();
      RoomcastClient ann = client(RoomcastClient.builder(strict.url()).user("gus"), hears);
      get(ann.join("slow"));
      List<CompletableFuture<String>> sends = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        texts.add("m" + i);
        sends.add(ann.send("slow", "m" + i));
      }
      List<String> ids = sends.stream().map(f -> get(f)).collect(Collectors.toList());
      assertThat(ids).doesNotHaveDuplicates();
      Await.until("all delivered", () -> hears.texts("slow").size() == 10);
      assertThat(hears.texts("slow")).containsExactlyElementsOf(texts);
      assertThat(get(ann.history("slow", 50))).extracting(Message::text).containsExactlyElementsOf(texts);
      assertThat(hears.states).doesNotContain(ConnectionState.RECONNECTING);
    }
  }

  @Test
  @DisplayName("a frame the server cannot take (over 64 KiB: close 1009) stops the client instead of reconnecting")
  void tooLargeStops() {
    Recorder hears = new Recorder();
    RoomcastClient ann = client("hal", hears);
    get(ann.join("big"));
    CompletableFuture<String> big = ann.send("big", "x".repeat(70_000));
    assertThat(errorCode(big)).isEqualTo("too_large");
    Await.until("offline", () -> ann.state() == ConnectionState.OFFLINE);
    assertThat(hears.errors).extracting(RoomcastException::code).contains("too_large");
    assertThat(hears.reconnects).isEmpty();
  }
}
