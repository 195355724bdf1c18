package io.roomcast.client;

import static io.roomcast.client.support.Futures.errorCode;
import static io.roomcast.client.support.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.client.support.Recorder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the client does after each close code (the same table as roomcast.js), against a scripted server that
 * welcomes the client and then closes with the code. The plan is checked (the delay the client announces), not
 * timed.
 */
class CloseCodesTest {
  private static MockResponse closingWith(int code) {
    return new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
      @Override
      public void onOpen(WebSocket ws, Response response) {
        ws.send("{\"type\":\"welcome\",\"user\":\"u\",\"session\":\"s\",\"node\":\"n\",\"protocol\":1}");
        ws.close(code, "scripted");
      }
    }).build();
  }

  @ParameterizedTest(name = "close {0}: {1}")
  @CsvSource({"1012, soon", "1001, soon", "4008, soon", "4029, late", "4001, token", "1006, backoff",
      "1009, never", "1007, never", "1002, never"})
  @DisplayName("reconnect by close code: 1012, 1001, 4008 at once; 4029 backs off; 4001 asks for a token; 1009, "
      + "1007, 1002 stop")
  void closeCodes(int code, String expect) throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(code == 1006 ? new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
        @Override
        public void onOpen(WebSocket ws, Response response) {
          ws.send("{\"type\":\"welcome\",\"user\":\"u\",\"session\":\"s\",\"node\":\"n\",\"protocol\":1}");
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
          // the client's first heartbeat proves the welcome arrived: now the connection just dies, no close frame
          ws.cancel();
        }
      }).build() : closingWith(code));
      server.start();
      AtomicInteger asked = new AtomicInteger();
      Recorder hears = new Recorder();
      try (RoomcastClient c = RoomcastClient.builder("ws://127.0.0.1:" + server.getPort() + "/ws").user("u")
          .heartbeat(Duration.ofMillis(100), Duration.ofSeconds(30))
          .tokenProvider(() -> {
            asked.incrementAndGet();
            return "fresh";
          }).build()) {
        c.addListener(hears);
        get(c.connect());
        if (expect.equals("never")) {
          Await.until("offline", () -> c.state() == ConnectionState.OFFLINE && !hears.errors.isEmpty());
          assertThat(hears.reconnects).isEmpty();
          assertThat(hears.errors.get(0).code()).isEqualTo(
              code == 1009 ? "too_large" : code == 1007 ? "invalid_data" : "protocol_error");
          assertThat(errorCode(c.send("r", "x"))).as("a stopped client refuses sends").isEqualTo("offline");
          return;
        }
        Await.until("a reconnect plan", () -> !hears.reconnects.isEmpty());
        assertThat(hears.reconnectCodes().get(0)).isEqualTo(code);
        long delay = hears.reconnectDelays.get(0);
        switch (expect) {
          case "soon":
            assertThat(delay).as("at once, with a little jitter").isLessThan(250);
            break;
          case "late":
            assertThat(delay).as("backs off for 30 to 60 s").isBetween(30_000L, 60_000L);
            break;
          case "token":
            assertThat(asked.get()).isEqualTo(1);
            break;
          default:
            assertThat(delay).as("first backoff: full jitter up to 250 ms").isLessThan(250);
        }
        assertThat(c.state()).isEqualTo(ConnectionState.RECONNECTING);
      }
    }
  }
}
