package io.roomcast.client;

import static io.roomcast.client.support.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.client.support.Recorder;
import io.roomcast.client.support.ServerProcess;
import io.roomcast.client.support.Tokens;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** JWT mode: tokens expire, the token provider supplies fresh ones. */
class TokenRefreshIT {
  @Test
  @DisplayName("the token expires on an open connection (close 4001): the client asks the provider for a fresh one, "
      + "reconnects as the same user and resumes its rooms without losing what was sent meanwhile")
  void expiredTokenIsRefreshed() {
    try (ServerProcess node = ServerProcess.start(Map.of("CHAT_JWT_SECRET", Tokens.SECRET))) {
      AtomicInteger asked = new AtomicInteger();
      Recorder kimHears = new Recorder();
      try (RoomcastClient kim = RoomcastClient.builder(node.url()).token(Tokens.issue("kim", 3))
              .tokenProvider(() -> {
                asked.incrementAndGet();
                return Tokens.issue("kim", 3600);
              }).build();
          RoomcastClient lee = RoomcastClient.builder(node.url()).token(Tokens.issue("lee", 3600)).build()) {
        kim.addListener(kimHears);
        assertThat(get(kim.connect()).user()).isEqualTo("kim");
        get(lee.connect());
        get(kim.join("secure"));
        get(lee.join("secure"));
        get(lee.send("secure", "before expiry"));
        // the reconnect is planned (and announced) once the provider has answered
        Await.until("a fresh token asked for after close 4001", () -> asked.get() == 1
            && kimHears.reconnectCodes().contains(4001));
        get(lee.send("secure", "around expiry"));
        Await.until("kim is back", () -> kim.state() == ConnectionState.CONNECTED && kimHears.resumed.size() == 1);
        get(kim.send("secure", "with a fresh token"));
        Await.until("everything arrived", () -> kimHears.texts("secure").size() == 3);
        assertThat(kimHears.texts("secure")).containsExactly("before expiry", "around expiry", "with a fresh token");
        assertThat(kim.user()).isEqualTo("kim");
      }
    }
  }

  @Test
  @DisplayName("an upgrade refused with 401 and no token provider stops the client (offline, error unauthorized)")
  void refusedWithoutProviderStops() {
    try (ServerProcess node = ServerProcess.start(Map.of("CHAT_JWT_SECRET", Tokens.SECRET));
        RoomcastClient kim = RoomcastClient.builder(node.url()).token(Tokens.issue("kim", -10)).build()) {
      Recorder hears = new Recorder();
      kim.addListener(hears);
      assertThat(io.roomcast.client.support.Futures.errorCode(kim.connect())).isEqualTo("unauthorized");
      assertThat(kim.state()).isEqualTo(ConnectionState.OFFLINE);
      assertThat(hears.reconnects).isEmpty();
    }
  }
}
