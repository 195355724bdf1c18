package io.roomcast.client;

import static io.roomcast.client.support.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.roomcast.client.support.Recorder;
import io.roomcast.client.support.ServerProcess;
import io.roomcast.support.HookBackend;
import io.roomcast.support.HookBackend.Answer;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the application's hooks refuse reaches the library's user with the backend's reason, and stops reconnects. */
class HookRefusalIT {
  @Test
  @DisplayName("a connect hook refusal fails connect() with forbidden_upgrade and the reason; a join refusal with "
      + "forbidden and the reason")
  void refusalsCarryTheReason() {
    try (HookBackend backend = HookBackend.start()) {
      backend.answer("/connect", body -> "mallory".equals(body.getString("user"))
          ? Answer.refuse("mallory is suspended") : Answer.allow());
      backend.answer("/join", body -> Answer.refuse("members only"));
      try (ServerProcess node = ServerProcess.start(Map.of("CHAT_WEBHOOK_SECRET", HookBackend.SECRET,
          "CHAT_HOOK_CONNECT_URL", backend.url("/connect"), "CHAT_HOOK_JOIN_URL", backend.url("/join")))) {
        Recorder seen = new Recorder();
        try (RoomcastClient mallory = RoomcastClient.builder(node.url()).user("mallory").build()) {
          mallory.addListener(seen);
          Throwable refused = catchThrowable(() -> mallory.connect().get());
          RoomcastException e = cause(refused);
          assertThat(e.code()).isEqualTo("forbidden_upgrade");
          assertThat(e.getMessage()).isEqualTo("mallory is suspended");
          assertThat(mallory.state()).isEqualTo(ConnectionState.OFFLINE);
        }
        try (RoomcastClient ann = RoomcastClient.builder(node.url()).user("ann").build()) {
          get(ann.connect());
          RoomcastException e = cause(catchThrowable(() -> ann.join("vip").get()));
          assertThat(e.code()).isEqualTo("forbidden");
          assertThat(e.getMessage()).isEqualTo("members only");
        }
      }
    }
  }

  private static RoomcastException cause(Throwable t) {
    Throwable c = t;
    while ((c instanceof ExecutionException || c instanceof CompletionException) && c.getCause() != null) {
      c = c.getCause();
    }
    assertThat(c).isInstanceOf(RoomcastException.class);
    return (RoomcastException) c;
  }
}
